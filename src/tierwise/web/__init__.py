"""The web UI: server-rendered pages (Jinja2, htmx for partial updates, ECharts for charts) served by
``tierwise serve`` beside the API, on the same services and permissions, in zh-CN and en."""
