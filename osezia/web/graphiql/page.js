// GraphiQL on this server's /graphql, with the explorer plugin, loaded from this server only.
// The query and variables being edited are kept in the page's URL, to share them.
"use strict";

(function () {
  const settings = JSON.parse(
    document.getElementById("graphiql-settings").textContent,
  );
  const parameters = new URLSearchParams(window.location.search);
  const url = window.location.href.split("?")[0].split("#")[0];

  function remember(name, value) {
    if (value) {
      parameters.set(name, value);
    } else {
      parameters.delete(name);
    }
    history.replaceState(null, "", "?" + parameters.toString());
  }

  function socketUrl(address) {
    const parsed = new URL(address);
    parsed.protocol = parsed.protocol === "https:" ? "wss:" : "ws:";
    parsed.hash = "";
    return parsed.toString();
  }

  const fetcher = GraphiQL.createFetcher({
    url: url,
    subscriptionUrl: socketUrl(url),
  });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  function Page() {
    const [query, setQuery] = React.useState(parameters.get("q") || undefined);
    const [variables, setVariables] = React.useState(
      parameters.get("variables") || undefined,
    );
    const [headers, setHeaders] = React.useState(
      parameters.get("headers") || undefined,
    );
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      plugins: [explorer],
      query: query,
      variables: variables,
      headers: headers,
      // Where the server fills headers in (development), unless the visitor has their own.
      defaultHeaders: settings.headers || undefined,
      onEditQuery: function (text) {
        setQuery(text);
        remember("q", text);
      },
      onEditVariables: function (text) {
        setVariables(text);
        remember("variables", text);
      },
      onEditHeaders: function (text) {
        setHeaders(text); // never in the URL: headers carry access tokens
      },
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(Page),
  );
})();
