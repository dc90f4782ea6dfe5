// The @connections API as a Node back end uses it to push to WebSocket clients.
// Usage: node connections.mjs ENDPOINT CONNECTION_ID TEXT
//   ENDPOINT: the API's stage URL, as a function builds it from requestContext (here the
//   node's path-based form, http://HOST:PORT/_aws/execute-api/API_ID/STAGE).
import {
  ApiGatewayManagementApiClient, GetConnectionCommand, GoneException, PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { clientConfig, print } from "./common.mjs";

const [endpoint, connectionId, text] = process.argv.slice(2);
const client = new ApiGatewayManagementApiClient({ ...clientConfig, endpoint });
const results = {};

async function attempt(command) {
  try {
    const out = await client.send(command);
    return { ok: true, status: out.$metadata.httpStatusCode, out };
  } catch (err) {
    return { ok: false, name: err.name, isGone: err instanceof GoneException,
             status: err.$metadata?.httpStatusCode ?? null };
  }
}

const got = await attempt(new GetConnectionCommand({ ConnectionId: connectionId }));
results.get = got.ok ? { ok: true, sourceIp: got.out.Identity?.SourceIp,
                         connectedAt: got.out.ConnectedAt instanceof Date } : got;
const posted = await attempt(new PostToConnectionCommand({
  ConnectionId: connectionId, Data: new TextEncoder().encode(text) }));
delete posted.out;
results.post = posted;
print(results);
