#!/usr/bin/env node
// Flows of RingCentral's official JavaScript SDK (@ringcentral/sdk 5.x) against a ringctl sandbox.
//
// Each flow drives the SDK the way an application would, asserts what the application relies on, and
// prints one PASS/FAIL/SKIP line; a failure also prints the last request and response the SDK saw.
// Exit status: 1 when any flow failed, 2 on bad usage.
//
// Credentials: RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET, RC_JWT in the environment, or
// `--sandbox-json FILE` holding the first stdout line of `ringctl sandbox serve`.

import {readFileSync, writeFileSync} from 'node:fs';
import {randomUUID} from 'node:crypto';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
let SDK;
let FormData;
try {
    ({SDK} = require('@ringcentral/sdk'));
    FormData = require('form-data');
} catch (e) {
    console.error('error: @ringcentral/sdk or form-data is not installed. Run `npm ci` in compat/js.');
    process.exit(2);
}

// The SDK refreshes this long before expiry; a sandbox token shorter than this is refreshed before every call.
const SDK_REFRESH_HANDICAP_S = 60;
const MAX_PAGES = 200;
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

class FlowFailure extends Error {}
class Skip extends Error {}

function redact(text) {
    return String(text)
        .replace(/(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***')
        .replace(/("?(?:access_token|refresh_token|assertion|token|client_secret|jwt)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1***');
}

function check(cond, message) {
    if (!cond) throw new FlowFailure(message);
}

// Keeps the exchanges of every SDK instance so that a failure can show what was sent and what came back.
class Recorder {
    constructor() {
        this.last = null;
    }

    attach(sdk) {
        const client = sdk.client();
        client.on('requestSuccess', (response, request) => this._note(request, response));
        client.on('requestError', (error) => this._note(error.request, error.response));
    }

    _note(request, response) {
        const entry = {
            request: request ? `${request.method} ${request.url}` : '(request unknown)',
            requestBody: request && typeof request.originalBody === 'string' ? request.originalBody : undefined,
            status: response ? response.status : 'no response',
            contentType: response ? response.headers.get('content-type') : '',
            body: response ? response.clone().text().catch(() => '') : Promise.resolve(''),
        };
        this.last = entry;
    }

    async describe() {
        if (!this.last) return 'no request recorded';
        let body = await this.last.body;
        if (body.length > 1500) body = `${body.slice(0, 1500)}...(truncated)`;
        const sent = this.last.requestBody ? ` body=${this.last.requestBody}` : '';
        return redact(
            `request: ${this.last.request}${sent}\n    response: ${this.last.status} ` +
                `(Content-Type: ${this.last.contentType}) ${body}`,
        );
    }
}

let instances = 0;

class Session {
    constructor(ctx, options = {}) {
        this.ctx = ctx;
        instances += 1;
        // The SDK keeps its tokens in one process-wide storage under a prefix: give each instance its own.
        this.sdk = new SDK({
            server: ctx.creds.url,
            clientId: ctx.creds.clientId,
            clientSecret: ctx.creds.clientSecret,
            appName: 'ringctl-compat',
            appVersion: '1.0.0',
            cachePrefix: `compat-${instances}-`,
            ...options,
        });
        this.platform = this.sdk.platform();
        ctx.rec.attach(this.sdk);
    }

    async login() {
        let resp;
        try {
            resp = await this.platform.login({jwt: this.ctx.creds.jwt});
        } catch (e) {
            throw new FlowFailure(`JWT login failed: ${redact(e.message)}`);
        }
        return resp.json();
    }

    // Calls through the SDK; returns {status, body, response}. With `expect`, another status fails the flow.
    async call(method, url, {body, query, expect} = {}) {
        let response;
        try {
            const fn = this.platform[method.toLowerCase()].bind(this.platform);
            response = method === 'GET' || method === 'DELETE' ? await fn(url, query) : await fn(url, body, query);
        } catch (e) {
            if (!e.response) throw new FlowFailure(`${method} ${url}: no HTTP response: ${redact(e.message)}`);
            response = e.response;
            response.sdkError = e;
        }
        const text = await response.clone().text();
        let parsed = null;
        if (text) {
            try {
                parsed = JSON.parse(text);
            } catch (e) {
                parsed = text;
            }
        }
        if (expect !== undefined && response.status !== expect) {
            throw new FlowFailure(`${method} ${url}: expected HTTP ${expect}, got ${response.status}`);
        }
        return {status: response.status, body: parsed, response};
    }
}

function getPath(obj, ...keys) {
    let cur = obj;
    for (const k of keys) {
        if (cur === null || cur === undefined) return undefined;
        cur = cur[k];
    }
    return cur;
}

function checkRcError(body, allowed, what) {
    check(body && typeof body === 'object', `${what}: error body is not a JSON object: ${JSON.stringify(body)}`);
    check(Array.isArray(body.errors) && body.errors.length > 0, `${what}: error body has no errors[]: ${JSON.stringify(body)}`);
    const codes = new Set([body.errorCode, ...body.errors.map((e) => e && e.errorCode)].filter(Boolean));
    check([...codes].some((c) => allowed.includes(c)), `${what}: expected errorCode in ${allowed}, got ${[...codes]}`);
    check(typeof body.errors[0].message === 'string', `${what}: errors[0].message missing`);
}

function checkScimUser(u, what) {
    check(u && typeof u === 'object', `${what}: body is not a JSON object`);
    check((u.schemas || []).includes(SCIM_USER), `${what}: schemas lacks ${SCIM_USER}`);
    for (const f of ['id', 'userName', 'active', 'meta']) check(f in u, `${what}: user lacks \`${f}\``);
    check(getPath(u, 'meta', 'resourceType') === 'User', `${what}: meta.resourceType is ${getPath(u, 'meta', 'resourceType')}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------------------------------
// Flows

async function flowLogin(ctx) {
    const s = new Session(ctx);
    const data = await s.login();
    for (const f of ['access_token', 'refresh_token', 'token_type', 'expires_in', 'refresh_token_expires_in', 'owner_id', 'scope']) {
        check(f in data, `token response lacks \`${f}\``);
    }
    check(String(data.token_type).toLowerCase() === 'bearer', `token_type is ${data.token_type}`);
    check(Number.isFinite(parseInt(data.expires_in, 10)), `expires_in ${data.expires_in} does not parse as a number`);
    check(Number.isFinite(parseInt(data.refresh_token_expires_in, 10)), 'refresh_token_expires_in does not parse');
    const auth = await s.platform.auth().data();
    check(auth.access_token === data.access_token, 'the SDK did not store the access token');
    ctx.session = s;
    ctx.ownerId = String(data.owner_id);
    ctx.expiresIn = parseInt(data.expires_in, 10);
    return `owner ${data.owner_id}, expires_in ${data.expires_in} s`;
}

async function flowCurrentExtension(ctx) {
    const s = await ctx.loggedIn();
    const {body: ext, response} = await s.call('GET', '/restapi/v1.0/account/~/extension/~', {expect: 200});
    check((response.headers.get('content-type') || '').includes('application/json'), 'content type is not application/json');
    check(response.headers.get('rcrequestid'), 'RCRequestId header missing');
    check(String(ext.id) === ctx.ownerId, `extension id ${ext.id} != token owner ${ctx.ownerId}`);
    for (const f of ['extensionNumber', 'name', 'status', 'type', 'contact', 'account']) check(f in ext, `extension lacks \`${f}\``);
    const {body: byId} = await s.call('GET', `/restapi/v1.0/account/~/extension/${ext.id}`, {expect: 200});
    check(byId.id === ext.id, 'reading the extension by id returned another one');
    return `${ext.extensionNumber} ${ext.name} (${ext.status})`;
}

async function flowPaging(ctx) {
    const s = await ctx.loggedIn();
    const perPage = 8;
    let {body} = await s.call('GET', '/restapi/v1.0/account/~/extension', {query: {perPage, page: 1}, expect: 200});
    const total = getPath(body, 'paging', 'totalElements');
    const seen = [];
    let pages = 0;
    for (;;) {
        pages += 1;
        check(pages <= MAX_PAGES, `more than ${MAX_PAGES} pages`);
        check(Array.isArray(body.records), `page ${pages} has no records[]`);
        check(getPath(body, 'paging', 'page') === pages, `page ${pages}: paging.page is ${getPath(body, 'paging', 'page')}`);
        check(body.records.length <= perPage, `page ${pages}: ${body.records.length} records exceed perPage`);
        seen.push(...body.records.map((r) => r.id));
        const next = getPath(body, 'navigation', 'nextPage', 'uri');
        if (!next) break;
        check(next.startsWith(ctx.creds.url), `nextPage.uri ${next} is not absolute on ${ctx.creds.url}`);
        ({body} = await s.call('GET', next, {expect: 200}));
    }
    check(pages >= 3, `only ${pages} page(s) at perPage=${perPage}`);
    check(new Set(seen).size === seen.length, 'an extension appeared on two pages');
    if (total !== undefined) check(seen.length === total, `walked ${seen.length} records, totalElements says ${total}`);
    return `${seen.length} extensions over ${pages} pages`;
}

async function flowSms(ctx) {
    const s = await ctx.loggedIn();
    const {body: numbers} = await s.call('GET', '/restapi/v1.0/account/~/extension/~/phone-number', {query: {perPage: 100}, expect: 200});
    const senders = (numbers.records || []).filter((r) => (r.features || []).includes('SmsSender'));
    check(senders.length > 0, "none of the admin's numbers has the SmsSender feature");
    const from = senders[0].phoneNumber;
    const to = '+16505550124';
    const text = `compat ${randomUUID().slice(0, 8)}`;
    const {body: msg} = await s.call('POST', '/restapi/v1.0/account/~/extension/~/sms', {
        body: {from: {phoneNumber: from}, to: [{phoneNumber: to}], text},
        expect: 200,
    });
    check(msg.type === 'SMS', `message type ${msg.type}`);
    check(msg.direction === 'Outbound', `direction ${msg.direction}`);
    check(getPath(msg, 'from', 'phoneNumber') === from, 'from.phoneNumber differs');
    check(getPath(msg, 'to', 0, 'phoneNumber') === to, 'to[0].phoneNumber differs');
    check(msg.subject === text, `subject ${msg.subject}`);
    const {body: listed} = await s.call('GET', '/restapi/v1.0/account/~/extension/~/message-store', {
        query: {messageType: 'SMS', direction: 'Outbound', perPage: 100},
        expect: 200,
    });
    check((listed.records || []).some((m) => m.id === msg.id), 'the sent SMS is not in the message store listing');
    return `message ${msg.id} from ${from}`;
}

// A fax as RingCentral's guide builds it with this SDK: a root `json` part holding the body, then the
// documents; node-fetch (the SDK's transport) sends a form-data FormData as multipart/form-data.
async function flowFax(ctx) {
    const s = await ctx.loggedIn();
    const form = new FormData();
    form.append('json', Buffer.from(JSON.stringify({to: [{phoneNumber: '+16505550126'}], faxResolution: 'High'})), {
        filename: 'request.json',
        contentType: 'application/json',
    });
    form.append('attachment', Buffer.from('compat fax page'), {filename: 'page.txt', contentType: 'text/plain'});
    const {status, body} = await s.call('POST', '/restapi/v1.0/account/~/extension/~/fax', {body: form});
    check(status === 200, `fax as multipart/form-data answered ${status}, expected 200`);
    check(body.type === 'Fax' && body.direction === 'Outbound', `fax answer is ${body.type}/${body.direction}`);
    return `fax ${body.id}`;
}

async function flowErrors(ctx) {
    const s = await ctx.loggedIn();
    const {status, body, response} = await s.call('GET', '/restapi/v1.0/account/~/extension/987654321987');
    check(status === 404, `unknown extension answered ${status}`);
    checkRcError(body, ['CMN-102'], 'unknown extension');
    // The SDK builds its error message from the body's `message`.
    check(response.sdkError && response.sdkError.message === body.message,
        `SDK error message ${JSON.stringify(response.sdkError && response.sdkError.message)} is not the body's message`);
    return `404 CMN-102: ${body.message}`;
}

// RingCentral's bulk syntax, read with the SDK's own batch reader (`client.multipart()`).
async function flowBatch(ctx) {
    const s = await ctx.loggedIn();
    const base = '/restapi/v1.0/account/~/extension/~/address-book/contact';
    const {body: listed} = await s.call('GET', base, {query: {perPage: 2}, expect: 200});
    const ids = (listed.records || []).map((r) => String(r.id));
    check(ids.length === 2, `expected 2 seeded contacts, got ${ids.length}`);
    const {status, response} = await s.call('GET', `${base}/${[...ids, '404'].join(',')}`);
    check(status === 207, `a bulk read answered ${status}`);
    const parts = await s.sdk.client().multipart(response);
    check(parts.length === 3, `the SDK read ${parts.length} parts, expected 3`);
    const statuses = parts.map((p) => p.status);
    check(JSON.stringify(statuses) === '[200,200,404]', `part statuses ${JSON.stringify(statuses)}`);
    const got = [];
    for (const p of parts.slice(0, 2)) got.push(String((await p.json()).id));
    check(JSON.stringify(got) === JSON.stringify(ids), `parts hold contacts ${got}, expected ${ids}`);
    check((await parts[2].json()).errorCode === 'CMN-102', "the unknown id's part is not CMN-102");
    return `contacts ${ids.join(', ')} and one unknown id read in one request`;
}

async function flowScim(ctx) {
    const s = await ctx.loggedIn();
    const {body: list} = await s.call('GET', '/scim/v2/Users', {query: {startIndex: 1, count: 5}, expect: 200});
    check((list.schemas || []).includes(SCIM_LIST), 'list lacks the ListResponse schema');
    check(list.startIndex === 1 && list.Resources.length > 0 && list.Resources.length <= 5, 'bad first page');
    const first = list.Resources[0];
    checkScimUser(first, 'listed user');
    const {body: found} = await s.call('GET', '/scim/v2/Users', {query: {filter: `userName eq "${first.userName}"`}, expect: 200});
    check(found.totalResults === 1 && getPath(found, 'Resources', 0, 'id') === first.id, `filter found ${found.totalResults}`);
    const {body: searched} = await s.call('POST', '/scim/v2/Users/.search', {
        body: {schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `userName eq "${first.userName}"`},
        expect: 200,
    });
    check(searched.totalResults === 1, `.search found ${searched.totalResults}`);

    const tag = randomUUID().replace(/-/g, '').slice(0, 10);
    const userName = `compat.js.${tag}@example.com`;
    const {body: created, response} = await s.call('POST', '/scim/v2/Users', {
        body: {
            schemas: [SCIM_USER],
            userName,
            name: {givenName: 'Compat', familyName: 'Js'},
            emails: [{value: userName, type: 'work'}],
            active: true,
        },
        expect: 201,
    });
    checkScimUser(created, 'created user');
    check((response.headers.get('location') || '').endsWith(`/scim/v2/Users/${created.id}`), 'Location header');
    const id = created.id;
    await s.call('GET', `/scim/v2/Users/${id}`, {expect: 200});
    const {body: patched} = await s.call('PATCH', `/scim/v2/Users/${id}`, {
        body: {schemas: [PATCH_OP], Operations: [{op: 'replace', path: 'active', value: 'False'}]},
        expect: 200,
    });
    check(patched.active === false, `PATCH active="False" left active=${patched.active}`);
    const {body: replaced} = await s.call('PUT', `/scim/v2/Users/${id}`, {
        body: {...created, name: {givenName: 'Compat', familyName: 'Replaced'}, active: false},
        expect: 200,
    });
    check(getPath(replaced, 'name', 'familyName') === 'Replaced', 'PUT did not replace the name');
    await s.call('DELETE', `/scim/v2/Users/${id}`, {expect: 204});
    const {status, body: err} = await s.call('GET', `/scim/v2/Users/${id}`);
    check(status === 404, `GET after DELETE answered ${status}`);
    check(err && (err.schemas || []).includes(SCIM_ERROR), 'the 404 is not a SCIM error body');
    const {status: again} = await s.call('DELETE', `/scim/v2/Users/${id}`);
    check(again === 404, `second DELETE answered ${again}`);
    return `created, patched, replaced and deleted ${id}`;
}

async function flowRefresh(ctx) {
    const s = new Session(ctx);
    const data = await s.login();
    const ttl = parseInt(data.expires_in, 10);
    if (ttl >= SDK_REFRESH_HANDICAP_S) {
        throw new Skip(`access tokens live ${ttl} s; start the sandbox with --token-ttl below ${SDK_REFRESH_HANDICAP_S}`);
    }
    // A token shorter than the SDK's handicap is renewed before each call: three calls, three rotations.
    let refreshes = 0;
    s.platform.on(s.platform.events.refreshSuccess, () => {
        refreshes += 1;
    });
    const tokens = new Set([data.refresh_token]);
    for (let i = 0; i < 3; i += 1) {
        await s.call('GET', '/restapi/v1.0/account/~/extension/~', {expect: 200});
        tokens.add((await s.platform.auth().data()).refresh_token);
    }
    check(refreshes === 3, `expected 3 refreshes before 3 calls, saw ${refreshes}`);
    check(tokens.size === 4, 'refresh tokens did not rotate on every refresh');

    // Parallel calls share one refresh (the SDK's single flight), and all succeed with its token.
    const before = refreshes;
    const results = await Promise.all([1, 2, 3, 4].map(() => s.call('GET', '/restapi/v1.0/account/~/extension/~')));
    check(results.every((r) => r.status === 200), `parallel calls answered ${results.map((r) => r.status)}`);
    check(refreshes - before >= 1, 'no refresh before the parallel calls');

    // After a 401 the SDK drops its access token, refreshes and retries once: a corrupted token recovers.
    const patient = new Session(ctx, {refreshHandicapMs: 0});
    await patient.login();
    await patient.platform.auth().setData({access_token: 'corrupted-token', expire_time: Date.now() + 3_600_000});
    let sawUnauthorized = null;
    patient.sdk.client().on('requestError', (e) => {
        if (e.response && e.response.status === 401) sawUnauthorized = e.response.clone().json().catch(() => null);
    });
    await patient.call('GET', '/restapi/v1.0/account/~/extension/~', {expect: 200});
    check(sawUnauthorized, 'the corrupted token was not refused with 401');
    checkRcError(await sawUnauthorized, ['OAU-129', 'OAU-213', 'TokenInvalid'], 'corrupted access token');

    // A used refresh token is refused: rotation makes them single-use.
    const replay = new Session(ctx);
    await replay.platform.auth().setData({
        ...data,
        expire_time: 0,
        refresh_token_expire_time: Date.now() + 3_600_000,
    });
    try {
        await replay.platform.refresh();
        throw new FlowFailure('replaying a used refresh token succeeded');
    } catch (e) {
        if (e instanceof FlowFailure) throw e;
        check(e.response, `replay failed without an HTTP response: ${e.message}`);
        check(e.response.status === 400, `replayed refresh token answered ${e.response.status}, expected 400`);
        const body = await e.response.clone().json();
        check(body.error === 'invalid_grant', `replay error ${body.error}`);
        checkRcError(body, ['OAU-211'], 'replayed refresh token');
    }
    return `${refreshes} refreshes, 401 recovery and replay refusal hold (ttl ${ttl} s)`;
}

async function flowRevoke(ctx) {
    const s = new Session(ctx, {refreshHandicapMs: 0});
    await s.login();
    await s.call('GET', '/restapi/v1.0/account/~/extension/~', {expect: 200});
    const saved = {...(await s.platform.auth().data())};
    let res;
    try {
        res = await s.platform.logout();
    } catch (e) {
        throw new FlowFailure(`logout failed: ${redact(e.message)}`);
    }
    check(res.status === 200, `revoke answered ${res.status}`);
    check(!(await s.platform.auth().data()).access_token, 'the SDK kept its access token after logout');
    // With the revoked pair restored, the server refuses the access token (401) and then the refresh (400).
    const again = new Session(ctx, {refreshHandicapMs: 0});
    await again.platform.auth().setData({...saved, expire_time: Date.now() + 3_600_000});
    const statuses = [];
    again.sdk.client().on('requestError', (e) => statuses.push(e.response ? e.response.status : 0));
    let error = null;
    try {
        await again.platform.get('/restapi/v1.0/account/~/extension/~');
    } catch (e) {
        error = e;
    }
    check(error, 'a call with the revoked tokens succeeded');
    check(statuses[0] === 401, `the revoked access token answered ${statuses[0]}, expected 401`);
    check(error.response && error.response.status === 400, `the refresh after revoke answered ${error.response && error.response.status}, expected 400`);
    checkRcError(await error.response.clone().json(), ['OAU-211'], 'refresh after revoke');
    return 'logout revoked both tokens';
}

// A Heavy-group operation (10 requests per window) that any user may call.
const HEAVY_PATH = '/restapi/v1.0/account/~/extension/~/call-log';

async function flowRateLimit(ctx) {
    // With rate-limit handling on, the SDK waits Retry-After and retries once.
    const patient = new Session(ctx, {handleRateLimit: true});
    await patient.login();
    const {response} = await patient.call('GET', HEAVY_PATH, {query: {perPage: 1}, expect: 200});
    const group = response.headers.get('x-rate-limit-group');
    if (!group) throw new Skip('no X-Rate-Limit-* headers: start the sandbox with --rate-limits real or scale=FACTOR');
    check(group === 'Heavy', `${HEAVY_PATH} is in group ${group}, expected Heavy`);
    const limit = parseInt(response.headers.get('x-rate-limit-limit'), 10);
    check(limit === 10, `X-Rate-Limit-Limit is ${limit}, expected 10`);
    const waits = [];
    patient.platform.on(patient.platform.events.rateLimitError, (e) => waits.push(e.retryAfter));
    const started = Date.now();
    for (let i = 0; i < limit + 1; i += 1) {
        await patient.call('GET', HEAVY_PATH, {query: {perPage: 1}, expect: 200});
    }
    check(waits.length === 1, `expected one 429 handled by the SDK, saw ${waits.length}`);
    check(waits[0] >= 1000, `the SDK read Retry-After as ${waits[0]} ms`);
    check(Date.now() - started >= waits[0], 'the SDK did not wait Retry-After');
    // Without it (the default), the 429 reaches the application with RingCentral's body.
    const plain = new Session(ctx);
    await plain.login();
    let status = 200;
    let body = null;
    for (let i = 0; i < limit + 1 && status === 200; i += 1) {
        ({status, body} = await plain.call('GET', HEAVY_PATH, {query: {perPage: 1}}));
    }
    check(status === 429, `${limit + 1} Heavy requests in one window all answered ${status}`);
    checkRcError(body, ['CMN-301'], 'rate-limited request');
    return `429 after ${limit} Heavy requests; the SDK waited ${waits[0]} ms and retried`;
}

const FLOWS = [
    ['login', flowLogin],
    ['current-extension', flowCurrentExtension],
    ['paging', flowPaging],
    ['sms', flowSms],
    ['fax', flowFax],
    ['errors', flowErrors],
    ['batch', flowBatch],
    ['scim', flowScim],
    ['refresh', flowRefresh],
    ['revoke', flowRevoke],
];
// Flows that need a sandbox started with other flags; they run only when named with --only.
const EXTRA_FLOWS = [['rate-limit', flowRateLimit]];

function loadCredentials(args) {
    if (args.sandboxJson) {
        let data;
        try {
            data = JSON.parse(readFileSync(args.sandboxJson, 'utf8').split('\n')[0]);
        } catch (e) {
            console.error(`error: cannot read sandbox credentials from ${args.sandboxJson}: ${e.message}. Pass the first stdout line of \`ringctl sandbox serve\`.`);
            process.exit(2);
        }
        return {url: data.url, clientId: data.clientId, clientSecret: data.clientSecret, jwt: data.jwt};
    }
    const env = process.env;
    const creds = {
        url: env.RC_SERVER_URL || env.RINGCENTRAL_SERVER_URL,
        clientId: env.RC_CLIENT_ID || env.RINGCENTRAL_CLIENT_ID,
        clientSecret: env.RC_CLIENT_SECRET || env.RINGCENTRAL_CLIENT_SECRET,
        jwt: env.RC_JWT || env.RINGCENTRAL_JWT,
    };
    const missing = Object.keys(creds).filter((k) => !creds[k]);
    if (missing.length) {
        console.error(`error: missing credentials ${missing}. Set RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET and RC_JWT, or pass --sandbox-json FILE.`);
        process.exit(2);
    }
    return creds;
}

function parseArgs(argv) {
    const args = {only: []};
    for (let i = 0; i < argv.length; i += 1) {
        const a = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) {
                console.error(`error: ${a} needs a value`);
                process.exit(2);
            }
            i += 1;
            return argv[i];
        };
        if (a === '--sandbox-json') args.sandboxJson = value();
        else if (a === '--only') args.only.push(value());
        else if (a === '--report') args.report = value();
        else {
            console.error(`error: unknown argument ${a}. Use --sandbox-json FILE, --only FLOW, --report FILE.`);
            process.exit(2);
        }
    }
    const names = [...FLOWS, ...EXTRA_FLOWS].map(([n]) => n);
    for (const n of args.only) {
        if (!names.includes(n)) {
            console.error(`error: unknown flow ${n}; flows are ${names.join(', ')}`);
            process.exit(2);
        }
    }
    return args;
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const creds = loadCredentials(args);
    creds.url = creds.url.replace(/\/+$/, '');
    const ctx = {
        creds,
        rec: new Recorder(),
        session: null,
        async loggedIn() {
            if (!this.session) await flowLogin(this);
            return this.session;
        },
    };
    const results = [];
    for (const [name, flow] of [...FLOWS, ...EXTRA_FLOWS]) {
        if (args.only.length ? !args.only.includes(name) : EXTRA_FLOWS.some(([n]) => n === name)) continue;
        ctx.rec.last = null;
        const started = Date.now();
        let outcome;
        let detail;
        try {
            detail = await flow(ctx);
            outcome = 'PASS';
        } catch (e) {
            if (e instanceof Skip) {
                outcome = 'SKIP';
                detail = e.message;
            } else if (e instanceof FlowFailure) {
                outcome = 'FAIL';
                detail = `${e.message}\n    ${await ctx.rec.describe()}`;
            } else {
                outcome = 'FAIL';
                detail = `${e.name}: ${e.message}\n    ${await ctx.rec.describe()}\n${e.stack || ''}`;
            }
        }
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`${outcome} js/${name} (${secs}s): ${redact(detail)}`);
        results.push({flow: name, outcome, detail: redact(detail), seconds: Number(secs)});
    }
    const count = (o) => results.filter((r) => r.outcome === o).length;
    console.log(`js: ${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped`);
    if (args.report) writeFileSync(args.report, JSON.stringify({client: '@ringcentral/sdk (JavaScript)', results}, null, 2));
    process.exit(count('FAIL') ? 1 : 0);
}

main().catch((e) => {
    console.error(`error: ${redact(e.stack || e)}`);
    process.exit(1);
});
