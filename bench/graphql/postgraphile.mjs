// PostGraphile 5 serving a tenant's stable schema (the views osezia's API reads), for
// bench/graphql/run.py. Like osezia, it verifies the ES256 access token of every request against
// osezia's published key, and reads as the token's tenant role (SET LOCAL ROLE per transaction,
// which PostGraphile does through pgSettings), with a pool of 10 connections.
//
// usage: node postgraphile.mjs <database url> <schema> <port>
// env:   OSEZIA_JWK (the public JWK), OSEZIA_ISSUER, OSEZIA_AUDIENCE, OSEZIA_TENANT_ROLE (the
//        role of the tenant the tokens must name), OSEZIA_PROCESSES (Node processes sharing the
//        port through node:cluster, as `osezia serve --workers N` does; default 1)

import cluster from "node:cluster";
import { createPublicKey } from "node:crypto";
import { createServer } from "node:http";

import jwt from "jsonwebtoken";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const [connectionString, schema, port] = process.argv.slice(2);
const processes = Number(process.env.OSEZIA_PROCESSES ?? "1");
if (processes > 1 && cluster.isPrimary) {
  for (let n = 0; n < processes; n += 1) cluster.fork();
  console.log(`postgraphile serves ${schema} on http://127.0.0.1:${port}/graphql with ${processes} processes`);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      for (const worker of Object.values(cluster.workers)) worker.kill(signal);
      process.exit(0);
    });
  }
} else {
  await serve();
}

async function serve() {
  const publicKey = createPublicKey({ key: JSON.parse(process.env.OSEZIA_JWK), format: "jwk" });
  const verification = {
    algorithms: ["ES256"],
    issuer: process.env.OSEZIA_ISSUER,
    audience: process.env.OSEZIA_AUDIENCE,
  };

  const preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ connectionString, schemas: [schema], poolConfig: { max: 10 } })],
    grafserv: { port: Number(port), graphiql: false, watch: false },
    grafast: {
      explain: false,
      context(requestContext) {
        const authorization = requestContext.node?.req?.headers?.authorization ?? "";
        if (!authorization.startsWith("Bearer ")) {
          throw new Error("an access token is required");
        }
        const claims = jwt.verify(authorization.slice("Bearer ".length), publicKey, verification);
        if (!process.env.OSEZIA_TENANT_ROLE.endsWith(`_tenant_${claims.tenant.replaceAll("-", "_")}`)) {
          throw new Error("the token names another tenant");
        }
        return { pgSettings: { role: process.env.OSEZIA_TENANT_ROLE } };
      },
    },
  };

  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  server.on("error", (error) => {
    console.error(error);
    process.exit(1);
  });
  serv.addTo(server).catch((error) => {
    console.error(error);
    process.exit(1);
  });
  server.listen(Number(port), "127.0.0.1", () => {
    console.log(`postgraphile serves ${schema} on http://127.0.0.1:${port}/graphql`);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, async () => {
      server.close();
      await pgl.release();
      process.exit(0);
    });
  }
}
