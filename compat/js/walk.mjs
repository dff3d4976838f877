// Lists every extension of a sandbox with RingCentral's JavaScript SDK and prints the records as one JSON
// array: the peer of `ringctl action run list-extensions --all-pages --json` in the paging benchmark
// (compat/bench/paging.sh, BENCHMARKS.md). Logs in with the JWT grant, asks for the first page, follows
// `navigation.nextPage.uri` until it is absent and writes each record as its page arrives.
//
//   node walk.mjs --sandbox-json FILE [--per-page N]
import {readFileSync, writeSync} from 'node:fs';
import {SDK} from '@ringcentral/sdk';

// A walk never needs more pages than this.
const MAX_PAGES = 100000;

function arg(name) {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
}

const file = arg('--sandbox-json');
if (!file) {
    console.error('error: pass --sandbox-json FILE (the first stdout line of `ringctl sandbox serve`)');
    process.exit(2);
}
let creds;
try {
    creds = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]);
} catch (e) {
    console.error(`error: cannot read ${file}: ${e.message}`);
    process.exit(2);
}
const perPage = arg('--per-page');
const sdk = new SDK({
    server: creds.url,
    clientId: creds.clientId,
    clientSecret: creds.clientSecret,
    appName: 'ringctl-bench',
    appVersion: '1.0.0',
});
const platform = sdk.platform();
await platform.login({jwt: creds.jwt});

// Written synchronously to stdout's descriptor, as a CLI's output would be, without buffering a page.
const write = (text) => writeSync(1, text);
let response = await platform.get('/restapi/v1.0/account/~/extension', perPage ? {perPage: Number(perPage)} : undefined);
let count = 0;
let pages = 0;
write('[');
for (;;) {
    pages += 1;
    if (pages > MAX_PAGES) {
        console.error(`error: more than ${MAX_PAGES} pages`);
        process.exit(1);
    }
    const body = await response.json();
    let chunk = '';
    for (const record of body.records || []) {
        chunk += (count ? ',\n' : '\n') + JSON.stringify(record);
        count += 1;
    }
    write(chunk);
    const next = body.navigation && body.navigation.nextPage && body.navigation.nextPage.uri;
    if (!next) break;
    response = await platform.get(next);
}
write('\n]\n');
console.error(`${count} records`);
