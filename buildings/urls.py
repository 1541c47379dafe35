"""The manager portal (pengelola): their buildings, towers, occupancy, schedules."""

urlpatterns = []
