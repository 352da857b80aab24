"""bcrypt (over SHA-256) with a configurable work factor.

Production keeps bcrypt's default of 12 rounds; the test suite lowers it with
BCRYPT_ROUNDS so hundreds of logins stay fast while still exercising bcrypt.
Stored hashes carry their own rounds, so hashes made with either setting verify.
"""

from django.conf import settings
from django.contrib.auth.hashers import BCryptSHA256PasswordHasher as DjangoBCryptSHA256


class BCryptSHA256PasswordHasher(DjangoBCryptSHA256):
    @property
    def rounds(self):
        return settings.BCRYPT_ROUNDS
