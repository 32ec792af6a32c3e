"""Grid carbon intensity over time: a provider interface, the offline registry default, hourly profiles from a
file, and live providers (Electricity Maps, UK Carbon Intensity) used only when configured.

Every provider returns an :class:`~.base.IntensityReading` saying which provider, zone and hour it used, and
whether the factor is location- or market-based and an average or a marginal one. Modules: :mod:`.base`
(protocol, registry, profile, cache), :mod:`.live` (HTTP providers).
"""
