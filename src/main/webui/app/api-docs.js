// The API page: Swagger UI over the node's own contract; "Authorize" takes a token from
// POST /api/auth/token (dev login) or `agentbus token`.
/* global SwaggerUIBundle */
SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#api', deepLinking: true, tryItOutEnabled: true });
