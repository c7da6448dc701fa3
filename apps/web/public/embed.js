/*!
 * Switchboard chat widget loader.
 *
 *   <script src="https://YOUR-SWITCHBOARD/embed.js" data-widget-key="YOUR_WIDGET_KEY" async></script>
 *
 * Adds a chat button to the page; it opens the chat (/chat?widgetKey=…) in an
 * iframe served by the same Switchboard origin as this script. Optional
 * attributes: data-open="true" (start opened), data-preload="true" (load the
 * chat in the background right away, so it opens instantly), data-position="left",
 * data-label="Chat with us". window.Switchboard.open() / .close() / .toggle().
 * Without data-preload the chat starts loading when the pointer or focus
 * reaches the button.
 */
(function () {
  'use strict';
  if (window.Switchboard && window.Switchboard.__loaded) return;
  var script =
    document.currentScript ||
    (function () {
      var all = document.querySelectorAll('script[data-widget-key]');
      return all[all.length - 1];
    })();
  if (!script) return;
  var widgetKey = script.getAttribute('data-widget-key');
  if (!widgetKey) {
    console.warn('[switchboard] embed.js needs data-widget-key');
    return;
  }
  var origin = new URL(script.src, window.location.href).origin;
  var left = script.getAttribute('data-position') === 'left';
  var label = script.getAttribute('data-label') || 'Chat with us';
  var side = left ? 'left' : 'right';
  var iframe = null;
  var open = false;

  var button = document.createElement('button');
  button.type = 'button';
  button.id = 'switchboard-launcher';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', 'switchboard-frame');
  button.textContent = label;
  button.style.cssText =
    'position:fixed;bottom:20px;' +
    side +
    ':20px;z-index:2147483000;padding:12px 18px;border:0;border-radius:999px;' +
    'background:#3b5bdb;color:#fff;font:600 15px/1.2 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;' +
    'box-shadow:0 6px 20px rgba(0,0,0,.2);cursor:pointer';

  function frameStyle() {
    var small = window.innerWidth < 480;
    return small
      ? 'position:fixed;inset:0;width:100%;height:100%;border:0;z-index:2147483001;background:#fff'
      : 'position:fixed;bottom:84px;' +
          side +
          ':20px;width:380px;height:min(620px,calc(100vh - 110px));border:0;' +
          'border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);z-index:2147483001;background:#fff';
  }

  function ensureFrame() {
    if (iframe) return iframe;
    iframe = document.createElement('iframe');
    iframe.id = 'switchboard-frame';
    iframe.title = 'Customer support chat';
    // The chat speaks the host page's language when it knows it (<html lang>; data-lang on the script overrides).
    var lang = script.getAttribute('data-lang') || document.documentElement.lang || '';
    iframe.src = origin + '/chat?embed=1&widgetKey=' + encodeURIComponent(widgetKey) + (lang ? '&lang=' + encodeURIComponent(lang) : '');
    iframe.setAttribute('allow', 'clipboard-write');
    iframe.style.cssText = frameStyle();
    document.body.appendChild(iframe);
    return iframe;
  }

  function setOpen(next) {
    open = next;
    var f = ensureFrame();
    f.style.display = open ? 'block' : 'none';
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Close chat' : label;
    // Full screen on phones: the chat's own Close button takes over from the launcher.
    button.style.display = open && window.innerWidth < 480 ? 'none' : '';
    if (open) f.focus();
  }

  function preload() {
    if (iframe) return;
    ensureFrame().style.display = 'none';
  }

  button.addEventListener('click', function () {
    setOpen(!open);
  });
  button.addEventListener('pointerenter', preload);
  button.addEventListener('focus', preload);
  document.addEventListener('keydown', function (e) {
    if (open && e.key === 'Escape') {
      setOpen(false);
      button.focus();
    }
  });
  // The chat (same origin as this script) asks to be closed from its header.
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !e.data || e.data.type !== 'switchboard:close') return;
    setOpen(false);
    button.focus();
  });
  window.addEventListener('resize', function () {
    if (iframe) {
      iframe.style.cssText = frameStyle();
      iframe.style.display = open ? 'block' : 'none';
      button.style.display = open && window.innerWidth < 480 ? 'none' : '';
    }
  });

  function mount() {
    document.body.appendChild(button);
    if (script.getAttribute('data-open') === 'true') setOpen(true);
    else if (script.getAttribute('data-preload') === 'true') preload();
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);

  window.Switchboard = {
    __loaded: true,
    open: function () {
      setOpen(true);
    },
    close: function () {
      setOpen(false);
    },
    toggle: function () {
      setOpen(!open);
    },
  };
})();
