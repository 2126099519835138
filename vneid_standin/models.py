"""The stand-in's own state: its signing key and the grants it handed out."""

from __future__ import annotations

from django.db import models


class SigningKey(models.Model):
    """An RSA key the stand-in signs ID tokens with; made on first use, kept only here."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.kid


class Grant(models.Model):
    """One authorization: the code the browser carries back, then the access token."""

    code = models.CharField(max_length=64, unique=True)
    access_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    client_id = models.CharField(max_length=200)
    redirect_uri = models.TextField()
    code_challenge = models.CharField(max_length=128)
    nonce = models.CharField(max_length=255, blank=True)
    scope = models.CharField(max_length=255, blank=True)
    identity = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.identity} {self.created_at:%Y-%m-%d %H:%M}"
