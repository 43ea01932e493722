import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The least a webhook front door can do, as a yardstick for bench/floor.sh: the JDK's HTTP server,
 * the HMAC check and one createTask POST to the fake Cloud Tasks per delivery, then 202. No
 * framework, no parsing, no routing, no log line. Whatever p99 the harness measures against this on
 * a machine is the floor any real scheduler's figure there stands on.
 *
 *   java FloorServer PORT FAKE_PORT SECRET
 */
public class FloorServer {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    URL tasks = URI.create("http://127.0.0.1:" + args[1] + "/v2/projects/p/locations/l/queues/q/tasks").toURL();
    SecretKeySpec key = new SecretKeySpec(args[2].getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    byte[] task =
        "{\"task\":{\"httpRequest\":{\"url\":\"https://handler/tasks/create-runner\",\"body\":\"e30=\"}}}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] answer = "{\"decision\":\"create-runner\"}".getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
    server.setExecutor(Executors.newFixedThreadPool(50));
    server.createContext("/", exchange -> {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        byte[] expected = ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes(StandardCharsets.US_ASCII);
        String given = exchange.getRequestHeaders().getFirst("X-Hub-Signature-256");
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII))) {
          exchange.sendResponseHeaders(401, -1);
          return;
        }
        HttpURLConnection call = (HttpURLConnection) tasks.openConnection();
        call.setRequestMethod("POST");
        call.setDoOutput(true);
        call.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = call.getOutputStream()) {
          out.write(task);
        }
        int status = call.getResponseCode();
        try (InputStream in = status / 100 == 2 ? call.getInputStream() : call.getErrorStream()) {
          if (in != null) {
            in.readAllBytes();
          }
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status / 100 == 2 ? 202 : 503, answer.length);
        exchange.getResponseBody().write(answer);
      } catch (Exception e) {
        e.printStackTrace();
      }
    });
    server.start();
    System.out.println("floor server on 127.0.0.1:" + port);
  }
}
