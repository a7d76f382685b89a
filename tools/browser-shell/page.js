// Page side of the browser shell: the same window.faskes interface the Electron preload exposes
// (FaskesApi in electron/contract), carried over fetch to POST /rpc. Plain JS, served as is, and run
// as a classic script before the renderer's module script.
;(function () {
  'use strict'

  function unavailable(message) {
    return { ok: false, error: { code: 'UNAVAILABLE', message: message } }
  }

  function isResult(body) {
    return (
      body !== null &&
      typeof body === 'object' &&
      (body.ok === true ? 'value' in body : body.ok === false && body.error !== null && typeof body.error === 'object')
    )
  }

  // Like the preload, invoke never rejects: every failure comes back as a typed Result.
  function invoke(channel, input) {
    return fetch('/rpc', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: channel, input: input === undefined ? {} : input }),
      credentials: 'same-origin',
      cache: 'no-store',
    }).then(
      function (res) {
        return res.json().then(
          function (body) {
            return isResult(body) ? body : unavailable('Jawaban server lokal tidak dikenali (HTTP ' + res.status + ').')
          },
          function () {
            return unavailable('Jawaban server lokal tidak dapat dibaca (HTTP ' + res.status + ').')
          },
        )
      },
      function () {
        return unavailable('Server lokal tidak dapat dihubungi.')
      },
    )
  }

  Object.defineProperty(window, 'faskes', {
    value: Object.freeze({ invoke: invoke }),
    enumerable: true,
    configurable: false,
    writable: false,
  })
})()
