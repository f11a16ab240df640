// A real OpenID Connect provider (panva's oidc-provider) standing in for the national e-ID
// in GovHub's sign-in tests. Test-only: it listens on loopback over plain HTTP and uses the
// library's built-in development sign-in and consent pages.
//
// Configuration, from the environment or from argv in this order:
//   OIDC_PORT           port on 127.0.0.1                     (argv[2])
//   OIDC_ISSUER         issuer URL, e.g. http://127.0.0.1:PORT (argv[3])
//   OIDC_CLIENT_ID      the one registered client             (argv[4])
//   OIDC_CLIENT_SECRET  its secret                            (argv[5])
//   OIDC_REDIRECT_URI   its only allowed redirect URI         (argv[6])
//
// Prints `READY <issuer>` on stdout once it accepts connections.
//
// The test citizen signs in with the login `CITIZEN.sub` and any password; every other
// login is unknown.

import { randomBytes } from 'node:crypto';
import process from 'node:process';

// Resolved from the project's node_modules (the script lives inside the project).
import Provider from 'oidc-provider';

function setting(name, position) {
  const value = process.env[name] ?? process.argv[position];
  if (!value) {
    process.stderr.write(`oidc_provider.mjs: ${name} is required\n`);
    process.exit(2);
  }
  return value;
}

const port = Number(setting('OIDC_PORT', 2));
const issuer = setting('OIDC_ISSUER', 3);
const clientId = setting('OIDC_CLIENT_ID', 4);
const clientSecret = setting('OIDC_CLIENT_SECRET', 5);
const redirectUri = setting('OIDC_REDIRECT_URI', 6);

const CITIZEN = {
  sub: 'KZ-880101-300123',
  email: 'aigerim.nurlanova@example.org',
  email_verified: true,
  given_name: 'Aigerim',
  family_name: 'Nurlanova',
  name: 'Aigerim Nurlanova',
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      // allauth picks client_secret_post whenever discovery lists it (oidc-provider does).
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  // Which claims each scope releases (`openid email profile` is what allauth asks for).
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  async findAccount(ctx, id) {
    if (id !== CITIZEN.sub) return undefined;
    return { accountId: id, claims: async () => ({ ...CITIZEN }) };
  },
  // A real e-ID requires PKCE from every client; so does this one, so the test proves
  // that GovHub sends it.
  pkce: { required: () => true },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: true } },
  // The default, spelled out: scope claims are released by the userinfo endpoint (which
  // allauth calls), and the ID token carries only sub and the protocol claims.
  conformIdTokenClaims: true,
});

provider.on('server_error', (ctx, error) => {
  process.stderr.write(`oidc-provider server_error: ${error.stack ?? error}\n`);
});

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`READY ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
