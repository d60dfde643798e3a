/** JWT authentication for ssekit streams and publishers, on nimbus-jose-jwt. */
package io.ssekit.auth;
