"""The S3 actions a bucket policy may name: those the Service Authorization Reference lists
on a bucket resource and those it lists on an object resource. S3 refuses a policy whose
action pattern names none of them, and one whose actions cannot act on its resources."""
from __future__ import annotations

BUCKET_ACTIONS = frozenset("""
    AllowVendedLogDeliveryForResource CreateBucket CreateBucketMetadataTableConfiguration
    DeleteBucket DeleteBucketMetadataTableConfiguration DeleteBucketPolicy
    DeleteBucketWebsite GetAccelerateConfiguration GetAnalyticsConfiguration GetBucketAbac
    GetBucketAcl GetBucketCORS GetBucketLocation GetBucketLogging
    GetBucketMetadataTableConfiguration GetBucketNotification
    GetBucketObjectLockConfiguration GetBucketOwnershipControls GetBucketPolicy
    GetBucketPolicyStatus GetBucketPublicAccessBlock GetBucketRequestPayment
    GetBucketTagging GetBucketVersioning GetBucketWebsite GetEncryptionConfiguration
    GetIntelligentTieringConfiguration GetInventoryConfiguration GetLifecycleConfiguration
    GetMetricsConfiguration GetReplicationConfiguration ListBucket
    ListBucketMultipartUploads ListBucketVersions ListTagsForResource PauseReplication
    PutAccelerateConfiguration PutAnalyticsConfiguration PutBucketAbac PutBucketAcl
    PutBucketCORS PutBucketLogging PutBucketNotification PutBucketObjectLockConfiguration
    PutBucketOwnershipControls PutBucketPolicy PutBucketPublicAccessBlock
    PutBucketRequestPayment PutBucketTagging PutBucketVersioning PutBucketWebsite
    PutEncryptionConfiguration PutIntelligentTieringConfiguration PutInventoryConfiguration
    PutLifecycleConfiguration PutMetricsConfiguration PutReplicationConfiguration
    TagResource UntagResource UpdateBucketMetadataAnnotationTableConfiguration
    UpdateBucketMetadataInventoryTableConfiguration
    UpdateBucketMetadataJournalTableConfiguration
""".split())

OBJECT_ACTIONS = frozenset("""
    AbortMultipartUpload BypassGovernanceRetention DeleteObject DeleteObjectAnnotation
    DeleteObjectTagging DeleteObjectVersion DeleteObjectVersionAnnotation
    DeleteObjectVersionTagging GetObject GetObjectAcl GetObjectAnnotation
    GetObjectAttributes GetObjectLegalHold GetObjectRetention GetObjectTagging
    GetObjectTorrent GetObjectVersion GetObjectVersionAcl GetObjectVersionAnnotation
    GetObjectVersionAnnotationForReplication GetObjectVersionAttributes
    GetObjectVersionForReplication GetObjectVersionTagging GetObjectVersionTorrent
    InitiateReplication ListMultipartUploadParts ListObjectAnnotations
    ListObjectVersionAnnotations ObjectOwnerOverrideToBucketOwner PutObject PutObjectAcl
    PutObjectAnnotation PutObjectLegalHold PutObjectRetention PutObjectTagging
    PutObjectVersionAcl PutObjectVersionAnnotation PutObjectVersionTagging ReplicateDelete
    ReplicateObject ReplicateObjectAnnotation ReplicateTags RestoreObject
    UpdateObjectEncryption
""".split())

