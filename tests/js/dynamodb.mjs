// DynamoDB as a Node app drives it: the low-level client, then the DocumentClient
// (lib-dynamodb) for the same flows. Usage: node dynamodb.mjs TABLE_PREFIX client|document
import {
  BatchWriteItemCommand, ConditionalCheckFailedException, CreateTableCommand,
  DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, TransactWriteItemsCommand,
  TransactionCanceledException, UpdateItemCommand, paginateQuery, waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand,
  UpdateCommand, paginateQuery as paginateDocQuery,
} from "@aws-sdk/lib-dynamodb";
import { clientConfig, failure, print } from "./common.mjs";

const [prefix, part] = process.argv.slice(2);
const client = new DynamoDBClient(clientConfig);
const doc = DynamoDBDocumentClient.from(client);
const results = {};

async function makeTable(name) {
  const created = await client.send(new CreateTableCommand({
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" },
                           { AttributeName: "sk", AttributeType: "N" }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" },
                { AttributeName: "sk", KeyType: "RANGE" }],
  }));
  const waited = await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 },
                                            { TableName: name });
  return { status: created.TableDescription.TableStatus, waited: waited.state };
}

// ---- the low-level client, attribute values as the wire carries them
async function lowLevel() {
  const low = `${prefix}-low`;
  results.create = await makeTable(low);

  await client.send(new PutItemCommand({
    TableName: low,
    Item: { pk: { S: "user#1" }, sk: { N: "0" }, name: { S: "Ada" }, visits: { N: "1" },
            tags: { SS: ["a", "b"] }, blob: { B: new Uint8Array([0, 1, 255]) } },
  }));
  const got = await client.send(new GetItemCommand({
    TableName: low, Key: { pk: { S: "user#1" }, sk: { N: "0" } }, ConsistentRead: true,
  }));
  results.get = { name: got.Item.name.S, visits: got.Item.visits.N,
                  tags: [...got.Item.tags.SS].sort(), blob: [...got.Item.blob.B] };

  const updated = await client.send(new UpdateItemCommand({
    TableName: low,
    Key: { pk: { S: "user#1" }, sk: { N: "0" } },
    UpdateExpression: "SET #n = :n, visits = visits + :one REMOVE tags",
    ConditionExpression: "attribute_exists(pk) AND visits < :max",
    ExpressionAttributeNames: { "#n": "name" },
    ExpressionAttributeValues: { ":n": { S: "Ada L." }, ":one": { N: "1" }, ":max": { N: "10" } },
    ReturnValues: "ALL_NEW",
  }));
  results.update = { name: updated.Attributes.name.S, visits: updated.Attributes.visits.N,
                     hasTags: "tags" in updated.Attributes };

  results.conditionFailed = await failure(client.send(new PutItemCommand({
    TableName: low, Item: { pk: { S: "user#1" }, sk: { N: "0" } },
    ConditionExpression: "attribute_not_exists(pk)",
  })));
  try {
    await client.send(new PutItemCommand({
      TableName: low, Item: { pk: { S: "user#1" }, sk: { N: "0" } },
      ConditionExpression: "attribute_not_exists(pk)",
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    }));
  } catch (err) {
    results.conditionFailedClass = err instanceof ConditionalCheckFailedException;
    results.conditionFailedItem = err.Item?.name?.S ?? null;
}

// 30 items in one partition, written in batches of 25 and 5
const items = Array.from({ length: 30 }, (_, i) => ({
  PutRequest: { Item: { pk: { S: "orders" }, sk: { N: String(i) }, pad: { S: "x".repeat(100) } } },
}));
const batches = [];
for (const chunk of [items.slice(0, 25), items.slice(25)]) {
  const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [low]: chunk } }));
  batches.push(Object.keys(out.UnprocessedItems ?? {}).length);
}
results.batchUnprocessed = batches;

const pages = [];
const keys = [];
for await (const page of paginateQuery({ client, pageSize: 7 }, {
  TableName: low, KeyConditionExpression: "pk = :p AND sk >= :from",
  ExpressionAttributeValues: { ":p": { S: "orders" }, ":from": { N: "2" } },
  ScanIndexForward: false,
})) {
  pages.push(page.Count);
  keys.push(...page.Items.map((item) => Number(item.sk.N)));
}
results.query = { pages, first: keys[0], last: keys.at(-1), total: keys.length };
const counted = await client.send(new QueryCommand({
  TableName: low, KeyConditionExpression: "pk = :p", Select: "COUNT",
  ExpressionAttributeValues: { ":p": { S: "orders" } },
}));
results.queryCount = counted.Count;

await client.send(new TransactWriteItemsCommand({ TransactItems: [
  { Put: { TableName: low, Item: { pk: { S: "acct" }, sk: { N: "1" }, balance: { N: "100" } } } },
  { Update: { TableName: low, Key: { pk: { S: "user#1" }, sk: { N: "0" } },
              UpdateExpression: "ADD visits :one",
              ExpressionAttributeValues: { ":one": { N: "1" } } } },
] }));
const afterTx = await client.send(new GetItemCommand({
  TableName: low, Key: { pk: { S: "user#1" }, sk: { N: "0" } },
}));
results.transactVisits = afterTx.Item.visits.N;
try {
  await client.send(new TransactWriteItemsCommand({ TransactItems: [
    { ConditionCheck: { TableName: low, Key: { pk: { S: "acct" }, sk: { N: "1" } },
                        ConditionExpression: "balance > :big",
                        ExpressionAttributeValues: { ":big": { N: "1000" } } } },
    { Delete: { TableName: low, Key: { pk: { S: "user#1" }, sk: { N: "0" } } } },
  ] }));
  results.transactCancelled = null;
} catch (err) {
  results.transactCancelled = {
    name: err.name, isClass: err instanceof TransactionCanceledException,
    reasons: (err.CancellationReasons ?? []).map((r) => r.Code),
  };
}

}

// ---- the DocumentClient: plain JS values
async function document() {
  const docTable = `${prefix}-doc`;
  await makeTable(docTable);
  await doc.send(new PutCommand({
    TableName: docTable,
    Item: { pk: "user#2", sk: 0, name: "Grace", visits: 1, langs: new Set(["COBOL"]),
            address: { city: "Arlington", zip: null }, scores: [1, 2.5, "three"] },
  }));
  const docUpdated = await doc.send(new UpdateCommand({
    TableName: docTable, Key: { pk: "user#2", sk: 0 },
    UpdateExpression: "SET address.city = :c, visits = visits + :one ADD langs :l",
    ConditionExpression: "#n = :name",
    ExpressionAttributeNames: { "#n": "name" },
    ExpressionAttributeValues: { ":c": "NYC", ":one": 1, ":l": new Set(["FLOW-MATIC"]),
                                 ":name": "Grace" },
    ReturnValues: "UPDATED_NEW",
  }));
  results.docUpdate = { visits: docUpdated.Attributes.visits,
                        langs: [...docUpdated.Attributes.langs].sort(),
                        city: docUpdated.Attributes.address.city };
  const docGot = await doc.send(new GetCommand({ TableName: docTable,
                                                 Key: { pk: "user#2", sk: 0 } }));
  results.docGet = docGot.Item.address.zip === null && docGot.Item.scores;

  await doc.send(new BatchWriteCommand({ RequestItems: { [docTable]: Array.from(
    { length: 12 }, (_, i) => ({ PutRequest: { Item: { pk: "events", sk: i, n: i * i } } })) } }));
  const docPages = [];
  const squares = [];
  for await (const page of paginateDocQuery({ client: doc, pageSize: 5 }, {
    TableName: docTable, KeyConditionExpression: "pk = :p",
    FilterExpression: "n >= :min", ExpressionAttributeValues: { ":p": "events", ":min": 4 },
  })) {
    docPages.push(page.Count);
    squares.push(...page.Items.map((item) => item.n));
}
results.docQuery = { pages: docPages, squares };

await doc.send(new TransactWriteCommand({ TransactItems: [
  { Put: { TableName: docTable, Item: { pk: "acct", sk: 1, balance: 50 },
           ConditionExpression: "attribute_not_exists(pk)" } },
  { Update: { TableName: docTable, Key: { pk: "user#2", sk: 0 },
              UpdateExpression: "SET visits = visits + :one",
              ExpressionAttributeValues: { ":one": 1 } } },
] }));
results.docTransact = (await doc.send(new GetCommand({
  TableName: docTable, Key: { pk: "user#2", sk: 0 }, ProjectionExpression: "visits",
}))).Item;
results.docConditionFailed = await failure(doc.send(new PutCommand({
  TableName: docTable, Item: { pk: "acct", sk: 1 }, ConditionExpression: "balance > :b",
  ExpressionAttributeValues: { ":b": 100 },
})));

}

await (part === "document" ? document() : lowLevel());
print(results);
