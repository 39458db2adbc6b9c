"""Open311 GeoReport v2: the city's appeals as services and service requests."""
