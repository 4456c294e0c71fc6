// Talking to /api/v1/: how a person is signed in, and calls that carry it.
// A person signs in with a username and password: the server sets an HttpOnly session
// cookie, which every call sends, and answers a CSRF token that every call changing
// anything (POST, PUT, PATCH, DELETE) carries as X-CSRF-Token. That token is no secret
// from the page itself: it is kept in memory and in this tab's sessionStorage, and asked
// for again (GET /api/v1/session) when a tab has none or the server refuses it.
// Scripts and people who sign in with an API token keep it in this tab's sessionStorage
// (gone when the tab closes), or in localStorage when they asked to be remembered on this
// device; a stored token is sent as Authorization: Bearer and no CSRF token is needed.
// Every call answers the parsed JSON or throws an ApiError whose message is the server's
// own (Chinese) message, so pages show what the API says and decide nothing themselves.

const kTokenKey = 'talentpool.token';
const kCsrfKey = 'talentpool.csrf';
const kChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Relative to the page, so the pages also work behind a proxy under a sub-path.
const kApiBase = new URL('api/v1/', document.baseURI);

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter = 0) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || [];
    // Seconds the server asked to wait (Retry-After of a 429 or 503), 0 when it did not say.
    this.retryAfter = retryAfter;
  }
}

export function storedToken() {
  return sessionStorage.getItem(kTokenKey) || localStorage.getItem(kTokenKey) || '';
}

export function storeToken(token, remember) {
  forgetToken();
  (remember ? localStorage : sessionStorage).setItem(kTokenKey, token);
}

export function forgetToken() {
  sessionStorage.removeItem(kTokenKey);
  localStorage.removeItem(kTokenKey);
  forgetSession();
}

let csrfToken = '';

// Keeps the CSRF token of a Session (the answer of POST or GET /api/v1/session).
export function rememberSession(session) {
  csrfToken = (session && session.csrf_token) || '';
  if (csrfToken) sessionStorage.setItem(kCsrfKey, csrfToken);
  else sessionStorage.removeItem(kCsrfKey);
}

export function forgetSession() {
  csrfToken = '';
  sessionStorage.removeItem(kCsrfKey);
}

function knownCsrf() {
  if (!csrfToken) csrfToken = sessionStorage.getItem(kCsrfKey) || '';
  return csrfToken;
}

// Asks the server for the session of the cookie, and keeps its CSRF token. Answers the
// Session, or null without a session (401).
export async function loadSession() {
  try {
    const session = await call('GET', 'session', { csrf: false });
    rememberSession(session);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetSession();
      return null;
    }
    throw error;
  }
}

function retryAfterOf(value) {
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds > 0) return seconds;
  const when = Date.parse(value || '');
  return Number.isNaN(when) ? 0 : Math.max(0, Math.round((when - Date.now()) / 1000));
}

// A URL of the API with query parameters; array values repeat the parameter.
export function apiUrl(path, params = {}) {
  const url = new URL(path, kApiBase);
  for (const [name, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.append(name, v);
    }
  }
  return url;
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const e = body && body.error;
  const retryAfter = retryAfterOf(response.headers.get('Retry-After'));
  if (e) return new ApiError(response.status, e.code, e.message, e.details, retryAfter);
  return new ApiError(response.status, 'HTTP_' + response.status, `服务器返回 ${response.status}，请稍后再试`,
    [], retryAfter);
}

// The CSRF token a changing call signed in by the session carries: the one kept, or
// the session's asked for now. Empty without a session (the call then answers 401).
async function csrfFor(method, bearer) {
  if (bearer || !kChanging.has(method)) return '';
  if (!knownCsrf()) await loadSession();
  return knownCsrf();
}

// Sends a request as the person signed in: with the stored token, else with the session
// cookie (and the CSRF token when it changes anything). `body`: a plain object (sent as
// JSON), FormData or Blob. Answers the parsed JSON, or the Response itself when `raw` is
// set (downloads). `anonymous`: no token, no cookie (the nominee's page, whose only
// credential is its own header); `csrf: false`: no CSRF token (signing in).
export async function call(method, path, {
  params, body, headers = {}, raw = false, token, anonymous = false, csrf = true,
} = {}) {
  const bearer = anonymous ? '' : token ?? storedToken();
  const send = async (csrfHeader) => {
    const init = {
      method, headers: { Accept: 'application/json', ...headers }, credentials: anonymous ? 'omit' : 'same-origin',
    };
    if (bearer) init.headers.Authorization = 'Bearer ' + bearer;
    if (csrfHeader) init.headers['X-CSRF-Token'] = csrfHeader;
    if (body instanceof FormData || body instanceof Blob) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    try {
      return await fetch(apiUrl(path, params), init);
    } catch {
      throw new ApiError(0, 'NETWORK', '连接不到服务器，请检查网络后重试');
    }
  };
  const sent = anonymous || !csrf ? '' : await csrfFor(method, bearer);
  let response = await send(sent);
  // The kept CSRF token may be an earlier session's (signed in again in another tab):
  // asked for anew, a different one is worth one more try.
  if (response.status === 403 && sent) {
    const session = await loadSession();
    if (session && session.csrf_token && session.csrf_token !== sent) response = await send(session.csrf_token);
  }
  if (!response.ok) throw await errorFrom(response);
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

export const get = (path, params, options = {}) => call('GET', path, { ...options, params });
export const post = (path, body, options = {}) => call('POST', path, { ...options, body });
export const put = (path, body, options = {}) => call('PUT', path, { ...options, body });
export const del = (path, options = {}) => call('DELETE', path, options);

// Uploads a file as multipart/form-data (field "file") and reports the share sent so
// far to onProgress(0..1): fetch cannot tell upload progress, XMLHttpRequest can.
export async function upload(path, file, { params, onProgress } = {}) {
  const bearer = storedToken();
  const csrf = await csrfFor('POST', bearer);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(path, params));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (bearer) xhr.setRequestHeader('Authorization', 'Bearer ' + bearer);
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status says enough
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const e = body && body.error;
      const retryAfter = retryAfterOf(xhr.getResponseHeader('Retry-After'));
      reject(e ? new ApiError(xhr.status, e.code, e.message, e.details, retryAfter)
        : new ApiError(xhr.status, 'HTTP_' + xhr.status, `服务器返回 ${xhr.status}，请稍后再试`, [], retryAfter));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'NETWORK', '连接不到服务器，请检查网络后重试')));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
