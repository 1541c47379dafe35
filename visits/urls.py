"""The pantarlih's field pages, the officer card and its public check."""

urlpatterns = []
