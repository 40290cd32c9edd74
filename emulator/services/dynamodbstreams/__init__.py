"""DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator and GetRecords."""
