// Lambda Invoke as a Node app calls it. Usage: node lambda.mjs FUNCTION_NAME
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { clientConfig, failure, print } from "./common.mjs";

const name = process.argv[2];
const lambda = new LambdaClient(clientConfig);
const encode = (value) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes) => JSON.parse(new TextDecoder().decode(bytes));
const results = {};

const ok = await lambda.send(new InvokeCommand({
  FunctionName: name, InvocationType: "RequestResponse", LogType: "Tail",
  Payload: encode({ hello: "from node", n: [1, 2, 3] }),
}));
results.ok = { status: ok.StatusCode, functionError: ok.FunctionError ?? null,
               payload: decode(ok.Payload), version: ok.ExecutedVersion,
               log: Buffer.from(ok.LogResult ?? "", "base64").toString().includes("ECHO") };

const failed = await lambda.send(new InvokeCommand({
  FunctionName: name, Payload: encode({ fail: "asked to fail" }),
}));
const error = decode(failed.Payload);
results.failed = { status: failed.StatusCode, functionError: failed.FunctionError ?? null,
                   type: error.errorType, message: error.errorMessage };

results.missing = await failure(lambda.send(new InvokeCommand({
  FunctionName: `${name}-absent`, Payload: encode({}) })));
print(results);
