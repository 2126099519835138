"""A stand-in for the national eID's identity provider (VNeID), served at /_vneid/.

It speaks OpenID Connect as the real one does — discovery, JWKS, authorization code with PKCE,
RS256-signed ID tokens, userinfo — and offers a page to pick one of the demo identities. The
portal uses it when VNEID_ISSUER is unset; production refuses it (VNEID_STANDIN_ALLOWED).
Nothing in the portal imports it: the portal talks to it over HTTP only.
"""
