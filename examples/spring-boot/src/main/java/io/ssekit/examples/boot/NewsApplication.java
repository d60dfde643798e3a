package io.ssekit.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application with ssekit's starter: the stream at {@code GET /events}, configured
 * in {@code application.properties}, and {@link NewsController} publishing to it.
 *
 * <pre>
 * mvn -pl examples/spring-boot -am -DskipTests package
 * java -jar examples/spring-boot/target/example-spring-boot.jar
 * curl -N localhost:8080/events?topic=news
 * curl -d 'hello' localhost:8080/news
 * </pre>
 */
@SpringBootApplication
public class NewsApplication {
  public static void main(String[] args) {
    SpringApplication.run(NewsApplication.class, args);
  }
}
