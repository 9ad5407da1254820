import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it("is helmet's header set for the options: CSP as configured, no X-Powered-By", () => {
    const h = securityHeaders({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } },
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'no-referrer' },
    });
    expect(h['Content-Security-Policy']).toBe("default-src 'self';frame-ancestors 'none'");
    expect(h['Referrer-Policy']).toBe('no-referrer');
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Strict-Transport-Security']).toMatch(/max-age=\d+/);
    expect(h).not.toHaveProperty('Cross-Origin-Embedder-Policy');
    expect(h).not.toHaveProperty('X-Powered-By');
  });

  it('throws what helmet throws for invalid options', () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ['a;b'] } } })).toThrow();
  });
});
