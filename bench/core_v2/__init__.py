"""Issue 9's "Must show" measurements (Engine core v2): `python -m bench.core_v2`."""
