// Emmett's side of bench/append.py: register companies as fast as N concurrent appenders can.
//
// Each command appends the events osezia's Companies.register_company records (a company
// registered, then its size assessed) to a new stream, expecting the stream not to exist, in one
// transaction. The N appenders are async tasks in this one Node process, sharing Emmett's default
// connection pool (node-postgres, up to 10 connections), which is how Emmett is meant to be used.
//
// Usage: node append.mjs --url URL --migrate-only   (creates Emmett's tables, then exits)
//        node append.mjs --url URL --writers N --seconds S --warmup W --first-siren K
// Prints one line of JSON: {"writers": N, "commands": C, "seconds": S, "per_second": R, ...}.

import { parseArgs } from "node:util";
import { STREAM_DOES_NOT_EXIST } from "@event-driven-io/emmett";
import { getPostgreSQLEventStore } from "@event-driven-io/emmett-postgresql";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    writers: { type: "string", default: "1" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    "first-siren": { type: "string", default: "10000000" },
    "migrate-only": { type: "boolean", default: false },
  },
});

const writers = Number(values.writers);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
let nextSirenBase = Number(values["first-siren"]);

// The same valid SIRENs bench/append.py gives osezia: 8 digits and a Luhn check digit.
const luhnCheckDigit = (digits) => {
  let total = 0;
  [...digits].reverse().forEach((char, position) => {
    let n = Number(char);
    if (position % 2 === 0) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    total += n;
  });
  return String((10 - (total % 10)) % 10);
};

const nextSiren = () => {
  const base = String(nextSirenBase++).padStart(8, "0");
  return base + luhnCheckDigit(base);
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const store = getPostgreSQLEventStore(values.url);
if (values["migrate-only"]) {
  await store.schema.migrate();
  await store.close();
  process.exit(0);
}

const registerCompany = (siren) =>
  store.appendToStream(
    `company-${siren}`,
    [
      {
        type: "CompanyRegistered",
        data: {
          tenant: "bench",
          siren,
          legalName: `Entreprise ${siren}`,
          region: "11",
          departement: "75",
          naf: "62.01Z",
        },
      },
      {
        type: "CompanySizeAssessed",
        data: {
          category: "PME",
          basis: "LEGAL",
          segment: "PME_ETI",
          headcountUta: "42",
          turnoverCents: null,
          balanceSheetCents: null,
          sireneCategory: null,
          staffBand: null,
        },
      },
    ],
    { expectedStreamVersion: STREAM_DOES_NOT_EXIST },
  );

let done = 0;
let stopping = false;

const appender = async () => {
  while (!stopping) {
    await registerCompany(nextSiren());
    done += 1;
  }
};

const tasks = Array.from({ length: writers }, appender);
const failed = Promise.all(tasks).then(
  () => null,
  (error) => error,
);

await sleep(warmup * 1000);
const startCount = done;
const start = process.hrtime.bigint();
await sleep(seconds * 1000);
const endCount = done;
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
stopping = true;
const error = await failed;
await store.close();
if (error !== null) {
  console.error(error);
  process.exit(1);
}

const commands = endCount - startCount;
console.log(
  JSON.stringify({
    writers,
    commands,
    seconds: elapsed,
    per_second: commands / elapsed,
    last_siren_base: nextSirenBase,
    concurrency: "async tasks in one Node process",
  }),
);
