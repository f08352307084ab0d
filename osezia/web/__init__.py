"""The HTTP edge: the Starlette application, GraphQL over HTTP and websockets, OAuth and the
sign-in, the dashboard, CSV exports and the API's metrics. The schema itself is osezia.graphql."""
