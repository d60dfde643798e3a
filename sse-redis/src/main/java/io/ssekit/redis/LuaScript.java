package io.ssekit.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script shipped as a class-path resource, run by its SHA-1 ({@code EVALSHA}); when Redis
 * does not have it yet (a new or restarted server), it is sent once in full.
 */
public final class LuaScript {
  private final String text;
  private final String sha;

  private LuaScript(String text, String sha) {
    this.text = text;
    this.sha = sha;
  }

  /** Loads {@code resource}, relative to {@code owner}'s package. */
  public static LuaScript load(Class<?> owner, String resource) {
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource + " beside " + owner);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      byte[] digest = MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return new LuaScript(text, HexFormat.of().formatHex(digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs the script; the stage fails with the cause Lettuce reported, unwrapped. */
  public <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> commands,
      ScriptOutputType type, String[] keys, String... args) {
    CompletableFuture<T> result = new CompletableFuture<>();
    commands.<T>evalsha(sha, type, keys, args).whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
      } else if (unwrap(failure) instanceof RedisNoScriptException) {
        commands.<T>eval(text, type, keys, args).whenComplete((retried, again) -> {
          if (again == null) {
            result.complete(retried);
          } else {
            result.completeExceptionally(unwrap(again));
          }
        });
      } else {
        result.completeExceptionally(unwrap(failure));
      }
    });
    return result;
  }

  /** The cause inside a {@link CompletionException}. */
  public static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
