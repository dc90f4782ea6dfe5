// S3 as a Node app drives it. Usage: node s3.mjs BUCKET path|virtual
//   path:    forcePathStyle, http://127.0.0.1:PORT/BUCKET/KEY
//   virtual: the SDK's default addressing against http://s3.localhost:PORT, so requests go to
//            BUCKET.s3.localhost:PORT. Browsers and curl resolve *.localhost to loopback; Node
//            asks the system resolver, so the agent resolves those names itself.
import { createHash } from "node:crypto";
import dns from "node:dns";
import http from "node:http";
import { Readable } from "node:stream";
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, GetObjectCommand,
  HeadObjectCommand, NoSuchKey, PutObjectCommand, S3Client, paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { clientConfig, failure, print } from "./common.mjs";

const [bucket, style] = process.argv.slice(2);
const config = { ...clientConfig };
if (style === "virtual") {
  const url = new URL(clientConfig.endpoint);
  config.endpoint = `http://s3.localhost:${url.port}`;
  const lookup = (host, options, callback) => host.endsWith(".localhost")
    ? (options.all ? callback(null, [{ address: "127.0.0.1", family: 4 }])
                   : callback(null, "127.0.0.1", 4))
    : dns.lookup(host, options, callback);
  config.requestHandler = { httpAgent: new http.Agent({ keepAlive: true, lookup }) };
} else {
  config.forcePathStyle = true;
}
const s3 = new S3Client(config);
const results = {};
const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

// Addressing: the host the SDK sent its first request to.
s3.middlewareStack.add((next) => async (args) => {
  results.host ??= args.request.hostname;
  return next(args);
}, { step: "finalizeRequest", name: "recordHost" });

await s3.send(new CreateBucketCommand({ Bucket: bucket }));

// PutObject with the SDK's defaults: a CRC32 checksum, and for a stream body aws-chunked
// encoding with the checksum in a trailer.
const put = await s3.send(new PutObjectCommand({
  Bucket: bucket, Key: "docs/hello.txt", Body: "hello from node", ContentType: "text/plain",
  Metadata: { owner: "ada" },
}));
results.putChecksum = put.ChecksumCRC32 ?? null;
const streamed = Buffer.from("streamed ".repeat(10000));
const putStream = await s3.send(new PutObjectCommand({
  Bucket: bucket, Key: "docs/streamed.txt", Body: Readable.from([streamed.subarray(0, 40000),
                                                                 streamed.subarray(40000)]),
  ContentLength: streamed.length,
}));
results.putStreamChecksum = putStream.ChecksumCRC32 ?? null;

const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "docs/hello.txt",
                                                 ChecksumMode: "ENABLED" }));
results.get = { body: await got.Body.transformToString(), type: got.ContentType,
                length: got.ContentLength, metadata: got.Metadata,
                checksum: got.ChecksumCRC32 ?? null };
const gotStream = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "docs/streamed.txt",
                                                       ChecksumMode: "ENABLED" }));
results.getStream = { same: sha(await gotStream.Body.transformToByteArray()) === sha(streamed),
                      checksum: gotStream.ChecksumCRC32 ?? null };

const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "docs/hello.txt" }));
results.head = { length: head.ContentLength, type: head.ContentType, metadata: head.Metadata,
                 etag: head.ETag };

for (let i = 0; i < 7; i++) {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `list/${i}`, Body: `item ${i}` }));
}
const pages = [];
const listed = [];
for await (const page of paginateListObjectsV2({ client: s3, pageSize: 3 },
                                               { Bucket: bucket, Prefix: "list/" })) {
  pages.push(page.KeyCount);
  listed.push(...(page.Contents ?? []).map((o) => o.Key));
}
results.list = { pages, keys: listed };

const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: {
  Objects: listed.map((Key) => ({ Key })).concat([{ Key: "list/absent" }]) } }));
results.deleteObjects = { deleted: (deleted.Deleted ?? []).length,
                          errors: (deleted.Errors ?? []).length };

// Multipart through lib-storage: 12 MB in parts of 5 MB, two at a time.
const big = Buffer.alloc(12 * 1024 * 1024);
for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
const parts = [];
const upload = new Upload({ client: s3, partSize: 5 * 1024 * 1024, queueSize: 2,
                            params: { Bucket: bucket, Key: "big.bin", Body: big } });
upload.on("httpUploadProgress", (p) => { if (p.part) parts.push(p.part); });
const done = await upload.done();
const bigBack = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "big.bin" }));
results.multipart = { etag: done.ETag, parts: [...new Set(parts)].sort(),
                      length: bigBack.ContentLength,
                      same: sha(await bigBack.Body.transformToByteArray()) === sha(big) };

// Presigned URLs, used without the SDK as a browser or another service would: Node's fetch
// for path style; node:http with the agent above for *.localhost names, which fetch's own
// resolver does not know.
function request(url, { method = "GET", body, headers = {} } = {}) {
  if (style !== "virtual") return fetch(url, { method, body, headers });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: config.requestHandler.httpAgent },
                             (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode,
                                    headers: { get: (name) => res.headers[name] ?? null },
                                    text: async () => Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
const putUrl = await getSignedUrl(s3, new PutObjectCommand({
  Bucket: bucket, Key: "presigned.txt", ContentType: "text/plain" }), { expiresIn: 300 });
const putAnswer = await request(putUrl, { method: "PUT", body: "signed body",
                                          headers: { "content-type": "text/plain" } });
const getUrl = await getSignedUrl(s3, new GetObjectCommand({
  Bucket: bucket, Key: "presigned.txt" }), { expiresIn: 300 });
const getAnswer = await request(getUrl);
results.presigned = { host: new URL(getUrl).hostname, put: putAnswer.status,
                      get: getAnswer.status, body: await getAnswer.text(),
                      type: getAnswer.headers.get("content-type") };

// Missing keys, caught as apps catch them.
try {
  await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "nope" }));
  results.noSuchKey = null;
} catch (err) {
  results.noSuchKey = { name: err.name, isClass: err instanceof NoSuchKey,
                        status: err.$metadata.httpStatusCode };
}
results.headMissing = await failure(s3.send(new HeadObjectCommand({ Bucket: bucket,
                                                                    Key: "nope" })));

await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [
  "docs/hello.txt", "docs/streamed.txt", "big.bin", "presigned.txt"].map((Key) => ({ Key })) } }));
await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
results.bucketDeleted = true;
print(results);
