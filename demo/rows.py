"""What the demo builder has made or found so far, shared by its parts (demo/builder.py)."""

from collections import Counter

from accounts.models import User
from buildings.models import Building, Tower
from demo.data.fieldwork import PERIOD_NAME
from demo.data.people import MANAGERS
from visits.models import CoklitPeriod, Schedule


class DemoRows:
    """The demo's rows by the keys of demo/data ("kalibata", "pantarlih.rizky", …), and how
    many rows of each model were created, by model name (the summary seed_demo prints)."""

    def __init__(self):
        self.created: Counter = Counter()
        # Made by a migration, like the region tree: the demo only fills it.
        self.period = CoklitPeriod.objects.get(name=PERIOD_NAME)
        self.users: dict[str, User] = {}
        self.buildings: dict[str, Building] = {}
        self.towers: dict[tuple[str, str], Tower] = {}
        self.schedules: dict[str, Schedule] = {}

    def get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.created[model.__name__] += 1
        return obj, created

    def tower(self, building_key: str, tower_name: str | None) -> Tower | None:
        return self.towers[building_key, tower_name] if tower_name else None

    def manager_of(self, building_key: str) -> User | None:
        for user_key, key, _position in MANAGERS:
            if key == building_key:
                return self.users[user_key]
        return None
