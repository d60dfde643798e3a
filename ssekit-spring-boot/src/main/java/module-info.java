/**
 * Spring Boot auto-configuration of ssekit: the hub, the stream endpoint, the history, fanout and
 * authenticator picked by what is on the module path and in {@code ssekit.*}, health, metrics and
 * shutdown. The ssekit modules behind the SPIs, Micrometer and Boot's health and web server
 * support are optional: each turns on its part of the configuration when it is there. The package
 * is open to Spring, which creates the configuration classes and binds the properties.
 */
module io.ssekit.spring.boot {
  requires transitive io.ssekit.servlet;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.beans;
  requires transitive spring.context;
  requires transitive spring.core;
  requires static io.ssekit.history.memory;
  requires static io.ssekit.history.redis;
  requires static io.ssekit.fanout.redis;
  requires static io.ssekit.auth;
  requires static io.ssekit.micrometer;
  requires static micrometer.core;
  requires static spring.boot.health;
  requires static spring.boot.web.server;

  exports io.ssekit.spring.boot;

  opens io.ssekit.spring.boot to spring.core, spring.beans, spring.context;
}
