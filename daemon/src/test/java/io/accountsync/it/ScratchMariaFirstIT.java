package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchMariaFirstIT {
    @TempDir Path tmp;

    @Test
    void mariaFirst() throws Exception {
        AccountDataSet data = AccountDataSet.generate(new AccountDataSet.Shape(3000, 0, 0, 0.0, 0.0, 0.0, 0.0), 5L);
        try (BulkEnvironments envs = new BulkEnvironments(tmp, "mf")) {
            envs.load(data);
            int port;
            try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
            Path cfg = envs.writeConfig("mf", false, null, port);
            String y = Files.readString(cfg);
            int ia = y.indexOf("  a:\n"), ib = y.indexOf("  b:\n"), ic = y.indexOf("  c:\n");
            String head = y.substring(0, ia);
            y = head + y.substring(ic) + y.substring(ia, ic);
            Files.writeString(cfg, y);
            System.out.println(y);
            List<String> done = new ArrayList<>();
            try (Connection c = envs.open("c");
                 DaemonProcess d = DaemonProcess.start(cfg, port, envs.processEnv(), Path.of("target", "it-logs", "mf-" + System.nanoTime() + ".log"))) {
                long start = System.nanoTime();
                for (int i = 0; i < 3000 && System.nanoTime() - start < 15_000_000_000L; i++) {
                    String u = data.rows("c").get(i).username();
                    String v = "mf-" + i + "@x.org";
                    BulkEnvironments.update(c, envs.dialect("c"), u, "email", v);
                    done.add(u + "=" + v);
                    Thread.sleep(4);
                }
                System.out.println("updates: " + done.size() + " log " + d.log());
                Thread.sleep(30_000);
                for (String env : List.of("a", "b")) {
                    Map<String, AccountDataSet.Fields> f = envs.fields(env);
                    List<String> missing = new ArrayList<>();
                    for (int i = 0; i < done.size(); i++) {
                        String[] p = done.get(i).split("=");
                        if (!p[1].equals(f.get(p[0]).email())) missing.add("#" + i + " " + p[0]);
                    }
                    System.out.println(env + " missing " + missing.size() + ": " + (missing.size() > 20 ? missing.subList(0, 20) : missing));
                    assertThat(missing).as(env).isEmpty();
                }
            }
        }
    }
}
