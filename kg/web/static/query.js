// The /query page: YASGUI pointed at this server's read-only SPARQL endpoint.
(function () {
  "use strict";
  var element = document.getElementById("yasgui");
  var endpoint = new URL(element.dataset.endpoint, window.location.href).href;
  var example = document.getElementById("example-query").value;
  var yasgui = new Yasgui(element, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: example },
  });
  var tab = yasgui.getTab();
  if (tab && tab.getYasqe().getValue().trim() === "") {
    tab.getYasqe().setValue(example);
  }
  window.paritykgYasgui = yasgui;
})();
