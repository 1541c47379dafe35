"""The demo data (`manage.py seed_demo`) and the benchmarks' synthetic data (`seed_scale`).

The top of the layers: it may import every app, and no app imports it. demo/data/ holds the
believable names, places and stories; the modules beside it build them (demo/builder.py).
"""
