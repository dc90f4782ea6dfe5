"""DynamoDB and DynamoDB Streams on the SDK edge."""
from fogbank.aws.dynamodb.service import DynamoDBService, DynamoDBStreamsService

__all__ = ["DynamoDBService", "DynamoDBStreamsService"]
