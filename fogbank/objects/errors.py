"""S3's errors, with the codes, messages and status codes S3 sends.

The wire layer writes them as S3's XML error body: Code, Message, then the `extra` members
(BucketName, Key, UploadId, Condition, …) in the order given, then Resource, RequestId and HostId.
"""
from __future__ import annotations

from typing import Any, Mapping

from fogbank.types import AwsError


class S3Error(AwsError):
    """Root of the objects engine's errors."""

    status = 400
    sender_fault = True

    def __init__(self, message: str | None = None, *, extra: Mapping[str, Any] | None = None,
                 **members: Any) -> None:
        # Members AWS puts in the error body, e.g. NoSuchKey's <Key>.
        details = {**(extra or {}), **{k: v for k, v in members.items() if v is not None}}
        super().__init__(self.default_message if message is None else message, extra=details)

    default_message = "We encountered an internal error. Please try again."


def _error(code: str, status: int, message: str) -> type[S3Error]:
    return type(code, (S3Error,), {"code": code, "status": status, "default_message": message,
                                   "__doc__": f"S3's {code} ({status})."})


AccessDenied = _error("AccessDenied", 403, "Access Denied")
AccessControlListNotSupported = _error("AccessControlListNotSupported", 400,
                                       "The bucket does not allow ACLs")
AccessForbidden = _error("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed.")
BadRequest = _error("BadRequest", 400, "Bad Request")
BadDigest = _error("BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
BucketAlreadyOwnedByYou = _error(
    "BucketAlreadyOwnedByYou", 409,
    "Your previous request to create the named bucket succeeded and you already own it.")
BucketNotEmpty = _error("BucketNotEmpty", 409, "The bucket you tried to delete is not empty")
# S3 spells this code with two t's, and ends its message with a space.
CrossLocationLoggingProhibitted = _error("CrossLocationLoggingProhibitted", 403,
                                         "Cross S3 location logging not allowed. ")
EntityTooLarge = _error("EntityTooLarge", 400,
                        "Your proposed upload exceeds the maximum allowed object size.")
EntityTooSmall = _error("EntityTooSmall", 400,
                        "Your proposed upload is smaller than the minimum allowed size")
IllegalLocationConstraintException = _error(
    "IllegalLocationConstraintException", 400,
    "The unspecified location constraint is incompatible for the region specific endpoint "
    "this request was sent to.")
InternalError = _error("InternalError", 500,
                       "We encountered an internal error. Please try again.")
# S3's NotImplemented for a request header it does not support (a class named after the code
# would shadow Python's NotImplemented).
HeaderNotImplemented = _error("NotImplemented", 501,
                              "A header you provided implies functionality that is not "
                              "implemented")
InvalidArgument = _error("InvalidArgument", 400, "Invalid Argument")
InvalidBucketName = _error("InvalidBucketName", 400, "The specified bucket is not valid.")
InvalidEncryptionAlgorithmError = _error(
    "InvalidEncryptionAlgorithmError", 400,
    "The Encryption request you specified is not valid. Supported value: AES256.")
InvalidBucketAclWithBlockPublicAccessError = _error(
    "InvalidBucketAclWithBlockPublicAccessError", 400,
    "Bucket cannot have public ACLs set with BlockPublicAccess enabled")
InvalidBucketAclWithObjectOwnership = _error(
    "InvalidBucketAclWithObjectOwnership", 400,
    "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
InvalidBucketState = _error("InvalidBucketState", 409,
                            "The request is not valid with the current state of the bucket.")
InvalidDigest = _error("InvalidDigest", 400, "The Content-MD5 you specified was invalid.")
InvalidLocationConstraint = _error("InvalidLocationConstraint", 400,
                                   "The specified location-constraint is not valid")
InvalidPart = _error(
    "InvalidPart", 400,
    "One or more of the specified parts could not be found.  The part may not have been "
    "uploaded, or the specified entity tag may not match the part's entity tag.")
InvalidPartOrder = _error("InvalidPartOrder", 400,
                          "The list of parts was not in ascending order. Parts must be ordered "
                          "by part number.")
InvalidPartNumber = _error("InvalidPartNumber", 416,
                           "The requested partnumber is not satisfiable")
IllegalVersioningConfigurationException = _error(
    "IllegalVersioningConfigurationException", 400,
    "The versioning configuration specified in the request is invalid.")
IncompleteBody = _error("IncompleteBody", 400, "You did not provide the number of bytes "
                                                "specified by the Content-Length HTTP header")
InvalidRange = _error("InvalidRange", 416, "The requested range is not satisfiable")
InvalidRequest = _error("InvalidRequest", 400, "Invalid Request")
InvalidTargetBucketForLogging = _error("InvalidTargetBucketForLogging", 400,
                                      "The target bucket for logging does not exist")
InvalidTag = _error("InvalidTag", 400, "The TagValue you have provided is invalid")
# An archived object read before a copy of it is restored (archive.py).
InvalidObjectState = _error("InvalidObjectState", 403,
                            "The operation is not valid for the object's storage class")
InvalidStorageClass = _error("InvalidStorageClass", 400,
                              "The storage class you specified is not valid")
KeyTooLongError = _error("KeyTooLongError", 400, "Your key is too long")
MalformedPolicy = _error("MalformedPolicy", 400, "Policies must be valid JSON and the first "
                                                  "byte must be '{'")
MalformedXML = _error("MalformedXML", 400, "The XML you provided was not well-formed or did "
                                            "not validate against our published schema")
MissingContentLength = _error("MissingContentLength", 411,
                               "You must provide the Content-Length HTTP header.")
MissingRequestBodyError = _error("MissingRequestBodyError", 400, "Request Body is empty")
MetadataTooLarge = _error("MetadataTooLarge", 400,
                          "Your metadata headers exceed the maximum allowed metadata size.")
MethodNotAllowed = _error("MethodNotAllowed", 405,
                          "The specified method is not allowed against this resource.")
NoSuchBucket = _error("NoSuchBucket", 404, "The specified bucket does not exist")
NoSuchBucketPolicy = _error("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
NoSuchCORSConfiguration = _error("NoSuchCORSConfiguration", 404,
                                 "The CORS configuration does not exist")
NoSuchKey = _error("NoSuchKey", 404, "The specified key does not exist.")
NoSuchLifecycleConfiguration = _error("NoSuchLifecycleConfiguration", 404,
                                      "The lifecycle configuration does not exist")
NoSuchPublicAccessBlockConfiguration = _error(
    "NoSuchPublicAccessBlockConfiguration", 404,
    "The public access block configuration was not found")
NoSuchTagSet = _error("NoSuchTagSet", 404, "The TagSet does not exist")
NoSuchUpload = _error(
    "NoSuchUpload", 404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may "
    "have been aborted or completed.")
NoSuchVersion = _error("NoSuchVersion", 404, "The specified version does not exist.")
NoSuchWebsiteConfiguration = _error("NoSuchWebsiteConfiguration", 404,
                                    "The specified bucket does not have a website configuration")
NoSuchObjectLockConfiguration = _error(
    "NoSuchObjectLockConfiguration", 404,
    "The specified object does not have a ObjectLock configuration")
ObjectLockConfigurationNotFoundError = _error(
    "ObjectLockConfigurationNotFoundError", 404,
    "Object Lock configuration does not exist for this bucket")
OwnershipControlsNotFoundError = _error("OwnershipControlsNotFoundError", 404,
                                        "The bucket ownership controls were not found")
ReplicationConfigurationNotFoundError = _error(
    "ReplicationConfigurationNotFoundError", 404, "The replication configuration was not found")
NotModified = _error("NotModified", 304, "Not Modified")


def about_delete_marker(error: S3Error, marker: Any) -> S3Error:
    """An error answering for a delete marker (NoSuchKey when it is the latest version,
    MethodNotAllowed when a request names it): `.info` carries it (its ObjectInfo), so that
    the wire layer can send the headers S3 sends about it."""
    error.info = marker       # type: ignore[attr-defined]
    return error
PreconditionFailed = _error("PreconditionFailed", 412,
                            "At least one of the pre-conditions you specified did not hold")
ConditionalRequestConflict = _error(
    "ConditionalRequestConflict", 409,
    "The conditional request cannot succeed due to a conflicting operation against this "
    "resource.")

__all__ = [name for name, value in dict(globals()).items()
           if isinstance(value, type) and issubclass(value, S3Error)]
