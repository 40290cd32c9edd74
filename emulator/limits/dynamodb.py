"""DynamoDB's limits, each with the AWS page that states it."""

from __future__ import annotations

from emulator.limits.model import Limit

DDB_QUOTAS = (
    "Service, account, and table quotas in Amazon DynamoDB — "
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html"
)
DDB_BATCH_WRITE = (
    "BatchWriteItem — "
    "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html"
)
DDB_BATCH_GET = (
    "BatchGetItem — "
    "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html"
)
DDB_TRANSACTIONS = (
    "TransactWriteItems — "
    "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html"
)
DDB_GSI = (
    "Using Global Secondary Indexes in DynamoDB — "
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html"
)
DDB_QUERY = "Query — https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html"

TABLE: tuple[Limit, ...] = (
    Limit(
        "dynamodb",
        "ItemSize",
        400 * 1024,
        "bytes",
        "An item, attribute names and values together",
        DDB_QUOTAS,
    ),
    Limit("dynamodb", "PartitionKeySize", 2048, "bytes", "A partition key value", DDB_QUOTAS),
    Limit("dynamodb", "SortKeySize", 1024, "bytes", "A sort key value", DDB_QUOTAS),
    Limit(
        "dynamodb", "NumberPrecision", 38, "digits", "Significant digits of a number", DDB_QUOTAS
    ),
    Limit("dynamodb", "NestingDepth", 32, "levels", "Nesting of lists and maps", DDB_QUOTAS),
    Limit(
        "dynamodb",
        "PageSize",
        1024 * 1024,
        "bytes",
        "Data a Query or Scan reads per call, before filtering",
        DDB_QUERY,
    ),
    Limit("dynamodb", "TableNameMin", 3, "characters", "Shortest table name", DDB_QUOTAS),
    Limit("dynamodb", "TableNameMax", 255, "characters", "Longest table name", DDB_QUOTAS),
    Limit(
        "dynamodb",
        "TablesPerRegion",
        2500,
        "tables",
        "Tables per account per Region",
        DDB_QUOTAS,
        adjustable=True,
    ),
    Limit("dynamodb", "ExpressionSize", 4096, "bytes", "An expression string", DDB_QUOTAS),
    Limit(
        "dynamodb",
        "GsiPropagationSeconds",
        0,
        "seconds",
        "How long a write takes to reach global secondary indexes (AWS: usually a fraction "
        "of a second; 0 applies it at once, a lab may raise it to show eventual consistency)",
        DDB_GSI,
        adjustable=True,
    ),
    Limit(
        "dynamodb",
        "GlobalSecondaryIndexesPerTable",
        20,
        "indexes",
        "Global secondary indexes of one table",
        DDB_QUOTAS,
        adjustable=True,
    ),
    Limit(
        "dynamodb",
        "BatchWriteItems",
        25,
        "requests",
        "Put and delete requests of one BatchWriteItem",
        DDB_BATCH_WRITE,
    ),
    Limit("dynamodb", "BatchGetItems", 100, "items", "Keys of one BatchGetItem", DDB_BATCH_GET),
    Limit(
        "dynamodb",
        "TransactionItems",
        100,
        "actions",
        "Actions of one TransactWriteItems or TransactGetItems",
        DDB_QUOTAS,
    ),
    Limit(
        "dynamodb",
        "TransactionSize",
        4 * 1024 * 1024,
        "bytes",
        "Items of one transaction together",
        DDB_QUOTAS,
    ),
    Limit(
        "dynamodb",
        "TransactionTokenSeconds",
        600,
        "seconds",
        "How long a ClientRequestToken makes a TransactWriteItems idempotent",
        DDB_TRANSACTIONS,
    ),
)

STREAMS_PAGE = "Change data capture for DynamoDB Streams — https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html"
GET_RECORDS = "GetRecords — https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html"
GET_ITERATOR = "GetShardIterator — https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html"
LIST_STREAMS = "ListStreams — https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_ListStreams.html"

#: DynamoDB Streams.
STREAMS: tuple[Limit, ...] = (
    Limit(
        "dynamodb",
        "StreamRetention",
        24 * 3600,
        "seconds",
        "How long stream records are kept",
        STREAMS_PAGE,
    ),
    Limit(
        "dynamodb",
        "StreamRecordsPerGetRecords",
        1000,
        "records",
        "Records one GetRecords returns",
        GET_RECORDS,
    ),
    Limit(
        "dynamodb",
        "StreamBytesPerGetRecords",
        1024 * 1024,
        "bytes",
        "Data one GetRecords returns",
        GET_RECORDS,
    ),
    Limit(
        "dynamodb",
        "ShardIteratorLifetime",
        15 * 60,
        "seconds",
        "How long a shard iterator stays usable",
        GET_ITERATOR,
    ),
    Limit(
        "dynamodb",
        "StreamsPerListStreams",
        100,
        "streams",
        "Streams one ListStreams returns",
        LIST_STREAMS,
    ),
)
