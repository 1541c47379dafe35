import factory

from accounts.tests.factories import UserFactory
from buildings.models import Building, BuildingManager, Tower, Unit, UnitOccupancy
from regions.models import Region


def kelurahan(code="31.74.08.1003"):
    """A kelurahan from the region tree the migrations load (default: Rawajati, Pancoran)."""
    return Region.objects.get(code=code)


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    name = factory.Sequence(lambda n: f"Apartemen Uji {n}")
    kind = Building.Kind.APARTEMEN
    address = factory.Sequence(lambda n: f"Jl. Uji No. {n}")
    kelurahan = factory.LazyFunction(kelurahan)
    manager_org = "PT Pengelola Uji"


class TowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tower

    building = factory.SubFactory(BuildingFactory)
    name = factory.Sequence(lambda n: f"Tower {n}")
    floors = 10


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    tower = factory.SubFactory(TowerFactory)
    floor = 1
    number = factory.Sequence(lambda n: f"U{n:05d}")


class BuildingManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuildingManager

    user = factory.SubFactory(UserFactory, role="pengelola")
    building = factory.SubFactory(BuildingFactory)


class UnitOccupancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitOccupancy

    unit = factory.SubFactory(UnitFactory)
    status = UnitOccupancy.Status.OCCUPIED
