// The documentation pages' credentials box: HTTP Basic or a bearer token for every call the page makes, or the browser's login with its CSRF token.
/* global sessionStorage, TextEncoder, btoa, location */
(function () {
  'use strict';
  var KEY = 'flowport-docs-authorization';
  var csrf;

  function stored() {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  }

  // Swagger UI's requestInterceptor calls this for the documents and for "Try it out" (see docs-pages.ts).
  window.flowportRequest = function (req) {
    var auth = stored();
    if (auth) {
      if (!req.headers.Authorization && !req.headers.authorization) req.headers.Authorization = auth;
      return req;
    }
    if (/^(GET|HEAD|OPTIONS)$/i.test(req.method || 'GET')) return req;
    // A browser login must send its CSRF token with a call that changes something.
    var ready =
      csrf !== undefined
        ? Promise.resolve(csrf)
        : fetch('/api/auth/me', { credentials: 'same-origin' })
            .then(function (r) {
              return r.ok ? r.json() : null;
            })
            .then(function (b) {
              csrf = b ? b.csrfToken : null;
              return csrf;
            })
            .catch(function () {
              return null;
            });
    return ready.then(function (token) {
      if (token) req.headers['x-csrf-token'] = token;
      return req;
    });
  };

  function basic(user, password) {
    var bytes = new TextEncoder().encode(user + ':' + password);
    var bin = '';
    bytes.forEach(function (b) {
      bin += String.fromCharCode(b);
    });
    return 'Basic ' + btoa(bin);
  }

  function field(label, attrs) {
    var l = document.createElement('label');
    l.textContent = label + ' ';
    var input = document.createElement('input');
    Object.keys(attrs).forEach(function (k) {
      input.setAttribute(k, attrs[k]);
    });
    l.appendChild(input);
    return { label: l, input: input };
  }

  function render() {
    var form = document.createElement('form');
    form.className = 'flowport-credentials';
    form.setAttribute('aria-label', 'Credentials');
    var user = field('User', { name: 'username', autocomplete: 'username' });
    var password = field('Password', { name: 'password', type: 'password', autocomplete: 'current-password' });
    var token = field('or bearer token', { name: 'token', autocomplete: 'off' });
    var use = document.createElement('button');
    use.type = 'submit';
    use.textContent = 'Use these credentials';
    var forget = document.createElement('button');
    forget.type = 'button';
    forget.textContent = 'Forget';
    var status = document.createElement('span');
    status.setAttribute('role', 'status');
    var auth = stored();
    status.textContent = auth
      ? 'Calls send ' + (auth.indexOf('Basic ') === 0 ? 'HTTP Basic credentials' : 'a bearer token')
      : 'Calls use your browser login, if any; the Integrator’s document needs the Batch execution or Administration role';
    form.append(user.label, password.label, token.label, use, forget, status);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var value = token.input.value.trim()
        ? 'Bearer ' + token.input.value.trim()
        : user.input.value
          ? basic(user.input.value, password.input.value)
          : null;
      if (value) sessionStorage.setItem(KEY, value);
      else sessionStorage.removeItem(KEY);
      location.reload();
    });
    forget.addEventListener('click', function () {
      sessionStorage.removeItem(KEY);
      location.reload();
    });
    document.body.insertBefore(form, document.body.firstChild);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render);
  else render();
})();
