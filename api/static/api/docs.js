// Starts Swagger UI on the API's docs page (a file of its own: the CSP allows no inline script).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var csrfToken = root.dataset.csrfToken;
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    // No badge from validator.swagger.io: nothing leaves this site.
    validatorUrl: null,
    // "Try it out" runs on the session, which needs the CSRF token to write.
    requestInterceptor: function (request) {
      if (request.method && request.method.toUpperCase() !== "GET") {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  });
})();
