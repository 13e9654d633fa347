"""Pages and data endpoints of the statistics: the leader dashboard and its drill-down
(``dashboard``), the JSON data the dashboard and the benchmark read (``data``), the public
statistics page (``public``)."""
