// Talking to /api/v1/: the token a person signed in with, and calls that carry it.
// The token lives in this tab's sessionStorage (gone when the tab closes), or in
// localStorage when the person asked to be remembered on this device. Every call
// answers the parsed JSON or throws an ApiError whose message is the server's own
// (Chinese) message, so pages show what the API says and decide nothing themselves.

const kTokenKey = 'talentpool.token';
// Relative to the page, so the pages also work behind a proxy under a sub-path.
const kApiBase = new URL('api/v1/', document.baseURI);

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || [];
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
  if (e) return new ApiError(response.status, e.code, e.message, e.details);
  return new ApiError(response.status, 'HTTP_' + response.status, `服务器返回 ${response.status}，请稍后再试`);
}

// Sends a request with the token. `body`: a plain object (sent as JSON), FormData or
// Blob. Answers the parsed JSON, or the Response itself when `raw` is set (downloads).
export async function call(method, path, { params, body, headers = {}, raw = false, token } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  const bearer = token ?? storedToken();
  if (bearer) init.headers.Authorization = 'Bearer ' + bearer;
  if (body instanceof FormData || body instanceof Blob) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(apiUrl(path, params), init);
  } catch {
    throw new ApiError(0, 'NETWORK', '连接不到服务器，请检查网络后重试');
  }
  if (!response.ok) throw await errorFrom(response);
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

export const get = (path, params, options = {}) => call('GET', path, { ...options, params });
export const post = (path, body, options = {}) => call('POST', path, { ...options, body });

// Uploads a file as multipart/form-data (field "file") and reports the share sent so
// far to onProgress(0..1): fetch cannot tell upload progress, XMLHttpRequest can.
export function upload(path, file, { params, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(path, params));
    xhr.setRequestHeader('Accept', 'application/json');
    const bearer = storedToken();
    if (bearer) xhr.setRequestHeader('Authorization', 'Bearer ' + bearer);
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
      reject(e ? new ApiError(xhr.status, e.code, e.message, e.details)
        : new ApiError(xhr.status, 'HTTP_' + xhr.status, `服务器返回 ${xhr.status}，请稍后再试`));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'NETWORK', '连接不到服务器，请检查网络后重试')));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
