// What every script shares: the endpoint from AWS_ENDPOINT_URL (as a user's app gets it),
// dummy credentials, one attempt per call (a test must see the server's first answer).
export const endpoint = process.env.AWS_ENDPOINT_URL;
if (!endpoint) throw new Error("AWS_ENDPOINT_URL is not set");

export const clientConfig = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
};

// The error a call failed with, as an app inspects it: its class name and HTTP status.
export async function failure(promise) {
  try {
    await promise;
    return null;
  } catch (err) {
    return { name: err.name, status: err.$metadata?.httpStatusCode ?? null,
             message: err.message };
  }
}

export function print(results) {
  process.stdout.write(JSON.stringify(results) + "\n");
}
