/**
 * The Node.js worker: one execution environment, speaking the same JSON-lines protocol as
 * runtime.py. It loads nothing but Node's own modules.
 *
 * Protocol: the worker writes one init line {init_ms, log, error} once the handler module is
 * loaded (error is null or AWS's error object; an init-phase process.exit() adds "exit").
 * Then, for each request line {request_id, event, timeout, now_ms?, invoked_function_arn?},
 * it answers one line with "result" (the JSON text of the return value), "error" (AWS's
 * error object) or "exit" (the exit code, when the handler ended the process), plus
 * duration_ms, log and max_rss_mb.
 *
 * The protocol travels on private descriptors opened from the original stdin and stdout.
 * Descriptors 1 and 2 are then pointed at a capture file, so everything the handler writes
 * (console, process.stdout, fs.writeSync(1), child processes) lands in "log", in order, and
 * never on the protocol channel. Descriptor 0 becomes /dev/null.
 *
 * Log lines carry virtual time: now_ms of the request (SERVERLINGS_NOW_MS during init),
 * the wall clock only when none is given. Durations are measured on the wall clock.
 *
 * Behaviour follows AWS's Node.js runtime interface client: version 3 semantics for
 * nodejs20.x and nodejs22.x (callbacks, callbackWaitsForEmptyEventLoop, the response sent
 * once the event loop is empty), the newer client for nodejs24.x and later (callback
 * handlers refused, plain return values used).
 */

'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');
const { pathToFileURL } = require('url');
const { performance } = require('perf_hooks');

const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || process.cwd();
const SHOWN_ROOT = '/var/task';
const SHOWN_RUNTIME = '/var/runtime/index.mjs';
const NODE_MAJOR = runtimeMajor(process.env.AWS_EXECUTION_ENV);
// nodejs24.x and later run AWS's rewritten runtime client; earlier ones run version 3.
const MODERN = NODE_MAJOR >= 24;
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const CALLBACK_REMOVED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting ' +
  'with Node.js 24. You need to modify this function to use a supported handler signature ' +
  'to use Node.js 24 or later. For more information see ' +
  'https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

function runtimeMajor(executionEnv) {
  const match = /nodejs(\d+)/.exec(executionEnv || '');
  return match ? Number(match[1]) : Number(process.versions.node.split('.')[0]);
}

// -- errors shaped as AWS's runtime shapes them ----------------------------------------------

function runtimeError(name) {
  const cls = class extends Error {};
  cls.prototype.name = `Runtime.${name}`;
  return cls;
}

const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const CallbackHandlerDeprecated = runtimeError('CallbackHandlerDeprecated');
const JSONStringifyError = runtimeError('JSONStringifyError');

class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
UnhandledPromiseRejection.prototype.name = 'Runtime.UnhandledPromiseRejection';

class NotSupportedByEmulator extends Error {}
NotSupportedByEmulator.prototype.name = 'NotSupportedByEmulator';

const realRoot = safeRealpath(TASK_ROOT);

function safeRealpath(where) {
  try {
    return fs.realpathSync(where);
  } catch {
    return where;
  }
}

/** Paths as they look on Lambda: the code under /var/task, the runtime at /var/runtime. */
function shown(text) {
  if (typeof text !== 'string') return text;
  let out = text
    .split(`(${__filename}:`)
    .join(`(file://${SHOWN_RUNTIME}:`)
    .split(`at ${__filename}:`)
    .join(`at file://${SHOWN_RUNTIME}:`)
    .split(__filename)
    .join(SHOWN_RUNTIME);
  for (const root of new Set([realRoot, TASK_ROOT])) {
    if (root && root !== '/') out = out.split(root).join(SHOWN_ROOT);
  }
  return out;
}

function isErrorLike(value) {
  return (
    value &&
    typeof value.name === 'string' &&
    typeof value.message === 'string' &&
    typeof value.stack === 'string'
  );
}

/** The error object Lambda returns to the caller. */
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: shown(error.name?.replaceAll('\x7F', '%7F')),
        errorMessage: shown(error.message?.replaceAll('\x7F', '%7F')),
        trace: shown(error.stack.replaceAll('\x7F', '%7F')).split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

function intoError(error) {
  return error instanceof Error ? error : new Error(error);
}

function withEnumerableProperties(value) {
  if (!(value instanceof Error)) return value;
  const out = Object.assign(
    { errorType: value.name, errorMessage: value.message, code: value.code },
    value,
  );
  if (typeof value.stack === 'string') out.stack = value.stack.split('\n');
  return out;
}

/** An error as the runtime logs it: a tab, then JSON with the stack split into lines. */
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_key, value) => withEnumerableProperties(value));
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// -- channels --------------------------------------------------------------------------------

/** Moves the protocol off descriptors 0 and 1 and points 1 and 2 at a capture file. */
function openChannels() {
  const requests = fs.openSync('/dev/fd/0', 'r');
  const replies = fs.openSync('/dev/fd/1', 'w');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'serverlings-worker-'));
  const capture = path.join(folder, 'output');
  fs.closeSync(0);
  const input = fs.openSync('/dev/null', 'r');
  fs.closeSync(1);
  const out = fs.openSync(capture, 'a');
  fs.closeSync(2);
  const err = fs.openSync(capture, 'a');
  const reader = fs.openSync(capture, 'r');
  fs.unlinkSync(capture);
  fs.rmdirSync(folder);
  if (input !== 0 || out !== 1 || err !== 2) {
    fs.writeSync(replies, JSON.stringify({ init_ms: 0, log: '', error: platformError() }) + '\n');
    process.exit(70);
  }
  return { requests, replies, reader };
}

function platformError() {
  return {
    errorType: 'Runtime.PlatformError',
    errorMessage: 'The worker could not move its standard streams to private descriptors',
    trace: [],
  };
}

const channels = openChannels();
let channelOpen = true;

function send(message) {
  if (!channelOpen) return;
  const data = Buffer.from(JSON.stringify(message) + '\n');
  let offset = 0;
  try {
    while (offset < data.length) {
      offset += fs.writeSync(channels.replies, data, offset, data.length - offset);
    }
  } catch {
    // The emulator went away: nobody is left to answer.
    channelOpen = false;
    process.exit(0);
  }
}

/** What the handler wrote since the last call, then the capture starts empty again. */
function takeOutput() {
  const size = fs.fstatSync(channels.reader).size;
  const data = Buffer.alloc(size);
  let offset = 0;
  while (offset < size) {
    const read = fs.readSync(channels.reader, data, offset, size - offset, offset);
    if (!read) break;
    offset += read;
  }
  fs.ftruncateSync(1, 0);
  return shown(data.toString('utf8', 0, offset));
}

let pending = Buffer.alloc(0);

/** The next request line; blocking, so the process is frozen between invocations as on AWS. */
function readRequest() {
  const chunk = Buffer.alloc(1 << 16);
  for (;;) {
    const newline = pending.indexOf(10);
    if (newline >= 0) {
      const line = pending.subarray(0, newline).toString('utf8');
      pending = pending.subarray(newline + 1);
      return JSON.parse(line);
    }
    const read = fs.readSync(channels.requests, chunk, 0, chunk.length, null);
    if (!read) return null;
    pending = Buffer.concat([pending, chunk.subarray(0, read)]);
  }
}

// -- logging ---------------------------------------------------------------------------------

let nowMs = virtualTime(process.env.SERVERLINGS_NOW_MS);
let currentRequestId;

function virtualTime(value) {
  const number = Number(value);
  return value !== undefined && value !== null && value !== '' && Number.isFinite(number)
    ? number
    : null;
}

function timestamp() {
  return new Date(nowMs === null ? Date.now() : nowMs).toISOString();
}

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const JSON_FORMAT = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
const MIN_LEVEL = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || 1;

function jsonErrorReplacer(_key, value) {
  if (!(value instanceof Error)) return value;
  return Object.assign(
    {
      errorType: value?.constructor?.name ?? 'UnknownError',
      errorMessage: value.message,
      stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    },
    value,
  );
}

function jsonLine(level, message, params) {
  const result = { timestamp: timestamp(), level, requestId: currentRequestId };
  if (params.length === 0) {
    result.message = message;
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch {
      result.message = util.format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = util.format(message, ...params);
  for (const param of params) {
    if (param instanceof Error) {
      result.errorType = param?.constructor?.name ?? 'UnknownError';
      result.errorMessage = param.message;
      result.stackTrace = typeof param.stack === 'string' ? param.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}

function logLine(level, message, params) {
  const line = JSON_FORMAT
    ? jsonLine(level, message, params)
    : `${timestamp()}\t${currentRequestId}\t${level}\t${util.format(message, ...params)}`;
  // One console call is one log event: newlines inside it travel as carriage returns.
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function patchConsole() {
  const make = (level) =>
    LEVELS[level] >= MIN_LEVEL ? (message, ...params) => logLine(level, message, params) : () => {};
  console.trace = make('TRACE');
  console.debug = make('DEBUG');
  console.info = make('INFO');
  console.warn = make('WARN');
  console.error = make('ERROR');
  console.fatal = make('FATAL');
  console.log = console.info;
}

function logError(message, error) {
  if (JSON_FORMAT) console.error(intoError(error));
  else console.error(message, toFormatted(intoError(error)));
}

// -- loading the handler ---------------------------------------------------------------------

function parseHandler(fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw new MalformedHandlerName('Bad handler');
  return { moduleRoot, moduleName: match[1], handlerPath: match[2] };
}

function tryRequire(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function tryImport(file) {
  return fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

function packageTypeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const manifest = path.join(folder, 'package.json');
  if (fs.existsSync(manifest)) {
    try {
      return JSON.parse(fs.readFileSync(manifest, 'utf8'))?.type === 'module';
    } catch (error) {
      console.warn(
        `${manifest} cannot be read, it will be ignored for ES module detection purposes.`,
        error,
      );
      return false;
    }
  }
  const parent = path.resolve(folder, '..');
  return parent === folder ? false : packageTypeModule(parent);
}

/** Version 3's search: extensionless, .js (CommonJS unless type: module), .mjs, .cjs. */
async function loadClassic(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  const extensionless = tryRequire(base);
  if (extensionless) return extensionless;
  const typeModule =
    fs.existsSync(base + '.js') && packageTypeModule(path.dirname(base + '.js'));
  if (!typeModule) {
    const loaded = tryRequire(base + '.js');
    if (loaded) return loaded;
  }
  const loaded =
    (typeModule && (await tryImport(base + '.js'))) ||
    (await tryImport(base + '.mjs')) ||
    tryRequire(base + '.cjs');
  if (loaded) return loaded;
  return require(require.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

/** The newer client imports every candidate, then falls back to require. */
async function loadModern(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  for (const extension of ['', '.js', '.mjs', '.cjs']) {
    const loaded = await tryImport(base + extension);
    if (loaded) return loaded;
  }
  return require(
    require.resolve(moduleName, { paths: [appRoot, path.join(appRoot, moduleRoot)] }),
  );
}

async function _loadUserApp(appRoot, moduleRoot, moduleName) {
  try {
    return MODERN
      ? await loadModern(appRoot, moduleRoot, moduleName)
      : await loadClassic(appRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) {
      const wrapped = new UserCodeSyntaxError(String(error));
      if (MODERN) wrapped.stack = error.stack;
      throw wrapped;
    }
    if (error && error.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(String(error));
    throw error;
  }
}

function findIn(handlerPath, container) {
  return handlerPath
    .split('.')
    .reduce(
      (nested, key) =>
        nested && (typeof nested === 'object' || typeof nested === 'function')
          ? nested[key]
          : undefined,
      container,
    );
}

async function loadHandler(appRoot, fullHandler) {
  const { moduleRoot, moduleName, handlerPath } = parseHandler(fullHandler);
  const userApp = await _loadUserApp(appRoot, moduleRoot, moduleName);
  let handler = findIn(handlerPath, userApp);
  if (!handler && MODERN && userApp && typeof userApp === 'object' && 'default' in userApp) {
    handler = findIn(handlerPath, userApp.default);
  }
  if (!handler) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  if (handler[HANDLER_STREAMING]) {
    throw new NotSupportedByEmulator(
      'Response streaming handlers (awslambda.streamifyResponse) are not supported by the emulator',
    );
  }
  if (MODERN && handler.length >= 3) throw new CallbackHandlerDeprecated(CALLBACK_REMOVED);
  return handler;
}

function installGlobals() {
  globalThis.awslambda = {
    streamifyResponse(handler) {
      handler[HANDLER_STREAMING] = 'response';
      return handler;
    },
    HttpResponseStream: {
      from() {
        throw new NotSupportedByEmulator(
          'awslambda.HttpResponseStream is not supported by the emulator',
        );
      },
    },
  };
}

// -- the invocation loop ---------------------------------------------------------------------

const state = { phase: 'init', initSent: false, invocation: null };

function maxRssMb() {
  return Math.floor(process.resourceUsage().maxRSS / 1024);
}

function sendInit(error, extra) {
  if (state.initSent) return;
  state.initSent = true;
  send({ init_ms: performance.now(), log: takeOutput(), error, ...extra });
}

/** Sends the answer for the invocation in progress, once; then waits for the next request. */
function finish(invocation, reply) {
  if (state.invocation !== invocation || invocation.done) return;
  invocation.done = true;
  state.invocation = null;
  send({
    ...reply,
    duration_ms: performance.now() - invocation.started,
    log: takeOutput(),
    max_rss_mb: maxRssMb(),
  });
  setImmediate(next);
}

function baseContext(request, deadline) {
  return {
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn: request.invoked_function_arn || process.env.SERVERLINGS_FUNCTION_ARN,
    awsRequestId: request.request_id,
    getRemainingTimeInMillis() {
      return Math.max(0, Math.floor(deadline - performance.now()));
    },
  };
}

function serialize(result, ErrorClass) {
  try {
    return JSON.stringify(result === undefined ? null : result);
  } catch {
    throw new ErrorClass('Unable to stringify response body');
  }
}

/** The handler runs as a method of a Runtime object, as on AWS; V8 names its frames after it. */
class Runtime {
  constructor(handler) {
    this.handler = handler;
  }
}

/** Version 3: callbacks, succeed/fail/done, and waiting for an empty event loop. */
function invokeClassic(runtime, invocation, event, request, deadline) {
  const postError = (error) => {
    logError('Invoke Error', error);
    finish(invocation, { error: toRapidResponse(error) });
  };
  let completed = false;
  const complete = (result) => {
    if (completed) {
      console.error(
        'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
      );
      return;
    }
    completed = true;
    finish(invocation, { result: serialize(result, Error) });
  };
  let waitForEmptyEventLoop = true;
  const rawCallback = (error, result) => {
    invocation.beforeExit = null;
    if (error !== undefined && error !== null) postError(error);
    else if (!waitForEmptyEventLoop) complete(result);
    else invocation.beforeExit = () => setImmediate(() => complete(result));
  };
  const done = (error, result) => {
    invocation.beforeExit = null;
    if (error !== undefined && error !== null) postError(error);
    else complete(result);
  };
  // Only the first of callback/succeed/fail/done counts; a call that throws does not.
  let first = true;
  const once =
    (fn) =>
    (...args) => {
      if (first) {
        fn(...args);
        first = false;
      }
    };
  const callbackContext = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: once((result) => done(null, result)),
    fail: once((error) => (error === undefined || error === null ? done('handled') : done(error))),
    done: once(done),
  };
  const callback = once(rawCallback);
  const context = Object.assign(callbackContext, baseContext(request, deadline));
  // A handler that neither calls back nor returns a promise answers null once the loop is empty.
  invocation.beforeExit = () => {
    completed = true;
    finish(invocation, { result: 'null' });
  };
  try {
    const result = runtime.handler(event, context, callback);
    if (result && typeof result.then === 'function') {
      result.then(context.succeed, context.fail).catch(context.fail);
    }
  } catch (error) {
    callback(error);
  }
}

/** The newer client: the handler's value (awaited) is the answer. */
async function invokeModern(runtime, invocation, event, request, deadline) {
  const context = baseContext(request, deadline);
  try {
    const result = await runtime.handler(event, context);
    await new Promise((resolve) => setImmediate(resolve));
    finish(invocation, { result: serialize(result, JSONStringifyError) });
  } catch (error) {
    await new Promise((resolve) => setImmediate(resolve));
    logError('Invoke Error', error);
    finish(invocation, { error: toRapidResponse(error) });
  }
}

let runtime;

function next() {
  const request = readRequest();
  if (request === null) {
    channelOpen = false;
    process.exit(0);
  }
  state.phase = 'invoke';
  nowMs = virtualTime(request.now_ms);
  const invocation = { started: performance.now(), done: false, running: false, beforeExit: null };
  state.invocation = invocation;
  // Timers that fell due while the environment was frozen run first, still under the
  // previous request id: on AWS they fire before the next event reaches the handler.
  setTimeout(() => run(request, invocation), 0);
}

function run(request, invocation) {
  if (invocation.done) return;
  invocation.running = true;
  currentRequestId = request.request_id;
  const deadline = invocation.started + Number(request.timeout) * 1000;
  let event;
  try {
    event = JSON.parse(request.event);
  } catch (error) {
    finish(invocation, { error: toRapidResponse(error) });
    return;
  }
  if (MODERN) invokeModern(runtime, invocation, event, request, deadline);
  else invokeClassic(runtime, invocation, event, request, deadline);
}

/** An error nobody caught: answer with it, then end the process as AWS's runtime does. */
function fatal(label, error, code) {
  console.error(label, toFormatted(error));
  if (state.phase === 'init') {
    sendInit(toRapidResponse(error));
  } else if (state.invocation?.running) {
    finish(state.invocation, { error: toRapidResponse(error) });
  }
  // Before the handler started (a timer thawed with the event), the exit itself is the answer.
  process.exit(code);
}

process.on('uncaughtException', (error) => fatal('Uncaught Exception', error, 129));
process.on('unhandledRejection', (reason, promise) =>
  fatal('Unhandled Promise Rejection', new UnhandledPromiseRejection(reason, promise), 128),
);
process.on('beforeExit', () => {
  const listener = state.invocation?.beforeExit;
  if (listener) {
    state.invocation.beforeExit = null;
    listener();
  }
});
process.on('exit', (code) => {
  if (state.phase === 'init' && !state.initSent) {
    sendInit(
      {
        errorType: 'Runtime.ExitError',
        errorMessage: `Runtime exited with error: exit status ${code}`,
        trace: [],
      },
      { exit: code },
    );
  } else if (state.invocation && !state.invocation.done) {
    const invocation = state.invocation;
    invocation.done = true;
    send({
      exit: code,
      duration_ms: performance.now() - invocation.started,
      log: takeOutput(),
      max_rss_mb: maxRssMb(),
    });
  }
});

async function main() {
  patchConsole();
  installGlobals();
  let handler;
  try {
    handler = await loadHandler(TASK_ROOT, process.env._HANDLER || '');
  } catch (error) {
    logError(MODERN ? 'Init Error' : 'Uncaught Exception', error);
    sendInit(toRapidResponse(error));
    process.exit(MODERN ? 1 : 129);
  }
  runtime = new Runtime(handler);
  sendInit(null);
  state.phase = 'idle';
  setImmediate(next);
}

main();
