// s3rver in its own process, started by test/support/s3.ts. It needs OpenSSL's legacy provider: s3rver makes its
// ListObjectsV2 continuation tokens with DES, which Node 17+ refuses without --openssl-legacy-provider (decision 0022).
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket, configs: [] }],
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
const stop = () => server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// the test process went away without stopping us: stop too
process.stdin.on('end', stop).resume();
