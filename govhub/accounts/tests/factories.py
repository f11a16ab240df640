import factory

from govhub.accounts.models import User


def totp_enable(user: User, secret: str | None = None) -> str:
    """Give `user` a real TOTP authenticator (allauth's), once; returns its base32 secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return str(decrypt(existing.data["secret"]))
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


class UserFactory(factory.django.DjangoModelFactory):
    """A person; staff and superusers come with a TOTP authenticator (they must have one)
    unless `totp=False`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):  # noqa: N805
        wanted = extracted if extracted is not None else (obj.is_staff or obj.is_superuser)
        if create and wanted:
            totp_enable(obj)
