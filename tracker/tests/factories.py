import factory
from django.contrib.auth import get_user_model

from tracker.models import DVD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"collector{n}")
    password = factory.django.Password("correct horse battery staple")


class DVDFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DVD

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Film number {n}")
    release_year = 1999
    imdb_id = factory.Sequence(lambda n: f"tt{1000000 + n:07d}")
