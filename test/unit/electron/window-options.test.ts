import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  SECURE_WEB_PREFERENCES,
  contentSecurityPolicy,
  mainWindowOptions,
  parseCsp,
  withCspHeader,
} from '../../../src/main/electron/window-options';

describe('main window options', () => {
  const options = mainWindowOptions({ preloadPath: '/app/out/preload/index.cjs', devTools: false });
  const prefs = options.webPreferences ?? {};

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInSubFrames', false],
    ['nodeIntegrationInWorker', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
    ['spellcheck', false],
    ['experimentalFeatures', false],
  ] as const)('sets %s to %s', (flag, expected) => {
    expect(prefs[flag]).toBe(expected);
  });

  it('enables no blink features and loads the bundled CommonJS preload', () => {
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    expect(prefs.preload?.endsWith('.cjs')).toBe(true);
  });

  it('turns DevTools on only when asked (development)', () => {
    expect(prefs.devTools).toBe(false);
    expect(mainWindowOptions({ preloadPath: '/p.cjs', devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('cannot be weakened by the caller: the secure flags are not parameters', () => {
    const again = mainWindowOptions({ preloadPath: '/p.cjs', devTools: true, title: 'X' }).webPreferences ?? {};
    for (const [flag, value] of Object.entries(SECURE_WEB_PREFERENCES)) {
      expect(again[flag as keyof typeof again], flag).toBe(value);
    }
  });

  it('waits for ready-to-show before showing the window', () => {
    expect(options.show).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  const csp = parseCsp(CONTENT_SECURITY_POLICY);

  it.each([
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['connect-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['form-action', ["'none'"]],
  ])('%s is exactly %j', (directive, sources) => {
    expect(csp.get(directive)).toEqual(sources);
  });

  it('has no other directive and never allows eval, inline script or remote hosts', () => {
    expect([...csp.keys()].sort()).toEqual([
      'base-uri',
      'connect-src',
      'default-src',
      'form-action',
      'frame-ancestors',
      'img-src',
      'object-src',
      'script-src',
      'style-src',
    ]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*|https?:|ws:/);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('is the same strict policy when no dev server is involved', () => {
    expect(contentSecurityPolicy()).toBe(CONTENT_SECURITY_POLICY);
    expect(contentSecurityPolicy({})).toBe(CONTENT_SECURITY_POLICY);
  });

  it('relaxes only script inlining and the HMR socket for the dev server', () => {
    const dev = parseCsp(contentSecurityPolicy({ devServerUrl: 'http://localhost:5173/' }));
    expect(dev.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(dev.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(dev.get('script-src')).not.toContain("'unsafe-eval'");
    for (const d of ['default-src', 'object-src', 'base-uri', 'frame-ancestors', 'form-action', 'img-src', 'style-src']) {
      expect(dev.get(d), d).toEqual(csp.get(d));
    }
  });

  it('replaces any Content-Security-Policy header a response carried, whatever its case', () => {
    const headers = withCspHeader(
      { 'content-security-policy': ['default-src *'], 'Content-Type': 'text/html', 'CONTENT-SECURITY-POLICY': 'x' },
      CONTENT_SECURITY_POLICY,
    );
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(withCspHeader(undefined, 'a')).toEqual({ 'Content-Security-Policy': ['a'] });
  });
});
