package twolayer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.UserError;

class CifarLocatorTest {
  /** Relative to the Maven working directory (the project folder), as a user would write it. */
  static final Path SHARED = Path.of("..", "shared", "cifar10", "cifar-10-binary.tar.gz");
  static final Configuration CONF = new Configuration();
  static final String FOLDER = "cifar-10-batches-bin";

  @TempDir Path tmp;
  HttpServer server;
  final AtomicInteger hits = new AtomicInteger();

  @AfterEach
  void stopServer() {
    if (server != null) server.stop(0);
  }

  // ---- folders ----

  @Test
  void folderHoldingBatchesIsReturnedAsAbsoluteFileUri() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("my data"));
    Files.write(dir.resolve("data_batch_1.bin"), new byte[3073]);
    String expected = "file:" + dir.toAbsolutePath();
    assertEquals(expected, resolve(List.of(dir.toString()), null));
    Path relative = Path.of("").toAbsolutePath().relativize(dir.toAbsolutePath());
    assertEquals(expected, resolve(List.of(relative.toString()), null));
    assertEquals(expected, resolve(List.of("file://" + dir.toAbsolutePath()), null));
  }

  @Test
  void folderHoldingTheBatchSubfolderIsFound() throws IOException {
    Path inner = Files.createDirectories(tmp.resolve("p").resolve(FOLDER));
    Files.write(inner.resolve("data_batch_1.bin"), new byte[3073]);
    assertEquals("file:" + inner, resolve(List.of(tmp.resolve("p").toString()), null));
  }

  @Test
  void missingCandidatesAreSkippedInOrder() throws IOException {
    Path a = fakeFolder(tmp.resolve("a"));
    Path b = fakeFolder(tmp.resolve("b"));
    List<String> c = List.of(tmp.resolve("nope").toString(), tmp.resolve("nope.tar.gz").toString(),
        "file:" + tmp.resolve("nope2"), " ", a.toString(), b.toString());
    assertEquals("file:" + a, resolve(c, tmp.resolve("cache")));
    assertFalse(Files.exists(tmp.resolve("cache")));
  }

  @Test
  void noCandidateFoundIsOneLineUserError() {
    String x = tmp.resolve("x").toString();
    String y = tmp.resolve("y.tgz").toString();
    UserError e = assertThrows(UserError.class, () -> resolve(List.of(x, y), tmp.resolve("cache")));
    assertEquals("data: none of [" + x + ", " + y + "] holds CIFAR-10 (data_batch_1.bin ... test_batch.bin);"
        + " pass --data FOLDER|ARCHIVE|URL", e.getMessage());
    // A folder on a file system Hadoop does not know is broken, not missing.
    e = assertThrows(UserError.class, () -> resolve(List.of("nosuchfs://host/x", x), null));
    assertTrue(e.getMessage().startsWith("nosuchfs://host/x: cannot read this folder ("), e.getMessage());
  }

  @Test
  void anUnreachableHadoopServerIsOneLineWithinTwoConnectTimeouts() throws Exception {
    // Nothing listens: refused at once.
    int closed = twolayer.TestData.closedLoopbackPort();
    String refused = "hdfs://127.0.0.1:" + closed + "/cifar";
    UserError e = assertThrows(UserError.class, () -> CifarLocator.resolve(List.of(refused), tmp.resolve("cache"), null,
        new Configuration()));
    assertEquals(refused + ": cannot read this folder (cannot connect to 127.0.0.1:" + closed
        + ": connection refused)", e.getMessage());

    // A server that never answers: a listening socket whose accept queue is full drops new connections,
    // so connecting times out as it does for a NameNode's host that is down.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          Socket q = new Socket();
          queued.add(q);
          q.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), 500);
        }
      } catch (IOException full) {
        // the queue is full
      }
      String hung = "hdfs://127.0.0.1:" + silent.getLocalPort() + "/cifar";
      Configuration conf = new Configuration();
      conf.setInt("ipc.client.connect.timeout", 1000);
      // Hadoop shares one RPC client, and its connect timeout, per socket factory: a factory of this test's
      // own gets a client with the 1 s above, where HDFS clients of other tests may hold one with 20 s.
      conf.setClass("hadoop.rpc.socket.factory.class.default", OwnSockets.class, javax.net.SocketFactory.class);
      long t0 = System.nanoTime();
      e = assertThrows(UserError.class, () -> CifarLocator.resolve(List.of(hung), tmp.resolve("cache"), null, conf));
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertEquals(hung + ": cannot read this folder (cannot connect to 127.0.0.1:" + silent.getLocalPort()
          + ": no answer, timed out)", e.getMessage());
      // two attempts of 1 s (measured here: 3 s); Hadoop's default, 46, took 96 s at a 2 s timeout
      assertTrue(seconds < 20, seconds + " s");
      for (Socket q : queued) q.close();
    }
  }

  /** A socket factory unequal to Hadoop's own (it compares classes), so the RPC client is not shared. */
  public static final class OwnSockets extends org.apache.hadoop.net.StandardSocketFactory {}

  // ---- the real shared archive ----

  @Test
  void sharedArchiveUnpacksOnceThenIsReused() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(SHARED), "no shared archive at " + SHARED.toAbsolutePath());
    Path cache = tmp.resolve("cache");
    List<String> c = List.of(tmp.resolve("missing").toString(), SHARED.toString());
    Run first = run(() -> resolve(c, cache));
    Path target = cache.resolve(FOLDER);
    assertEquals("file:" + target, first.result);
    assertTrue(first.err.startsWith("unpacking "), first.err);
    checkRealFolder(target);
    assertEquals(Set.of(FOLDER), list(cache), "no temporary folder left behind");

    FileTime before = Files.getLastModifiedTime(target.resolve("data_batch_1.bin"));
    Run second = run(() -> resolve(c, cache));
    assertEquals(first.result, second.result);
    assertEquals("", second.err, "reused without unpacking");
    assertEquals(before, Files.getLastModifiedTime(target.resolve("data_batch_1.bin")));
  }

  @Test
  void sharedArchiveDownloadsOverHttp() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(SHARED), "no shared archive at " + SHARED.toAbsolutePath());
    String url = serve(Files.readAllBytes(SHARED)) + "/cifar-10-binary.tar.gz";
    Path cache = tmp.resolve("cache");
    String md5 = hex("MD5", Files.readAllBytes(SHARED));
    assertEquals("file:" + cache.resolve(FOLDER), resolve(List.of(url), cache, md5));
    checkRealFolder(cache.resolve(FOLDER));
    assertEquals(Set.of(FOLDER, "cifar-10-binary.tar.gz"), list(cache));
  }

  private static void checkRealFolder(Path dir) throws Exception {
    for (String b : CifarLocator.BATCHES) assertEquals(30_730_000L, Files.size(dir.resolve(b)), b);
    assertTrue(Files.isRegularFile(dir.resolve("batches.meta.txt")));
    // Hash two of the six (README's list) to keep the test fast; the lengths cover the rest.
    assertEquals("4351134c217b7600cef034c19be78dd51584fc2d8d275590477b5aae576f7cf0",
        hex("SHA-256", Files.readAllBytes(dir.resolve("data_batch_1.bin"))));
    assertEquals("e75a0643e2bed6ad826c1491d0288bd96a95d1fc849dde286a28ab7c4c6a75ce",
        hex("SHA-256", Files.readAllBytes(dir.resolve("test_batch.bin"))));
  }

  // ---- small generated archives ----

  @Test
  void smallArchiveUnpacksFromLocalPathAndHadoopUri() throws IOException {
    Path archive = Files.write(tmp.resolve("fake.tgz"), fakeCifarTgz());
    Path cache = tmp.resolve("cache");
    assertEquals("file:" + cache.resolve(FOLDER), resolve(List.of(archive.toString()), cache));
    assertEquals(3 * 3073, Files.size(cache.resolve(FOLDER).resolve("data_batch_3.bin")));
    assertEquals(3, Files.readAllBytes(cache.resolve(FOLDER).resolve("data_batch_3.bin"))[0]);

    Path cache2 = tmp.resolve("cache2");
    assertEquals("file:" + cache2.resolve(FOLDER), resolve(List.of("file://" + archive), cache2));
    assertTrue(CifarLocator.isComplete(cache2.resolve(FOLDER)));
  }

  @Test
  void longNamesPaxPathsAndFlatLayoutAreHandledAndLinksIgnored() throws IOException {
    List<Entry> e = new ArrayList<>();
    String pax = "cifar-10-batches-bin/data_batch_1.bin";
    String rec = "path=" + pax + "\n";
    int len = rec.length() + 3; // "NN " prefix
    e.add(new Entry("PaxHeaders/x", 'x', (len + " " + rec).getBytes(StandardCharsets.UTF_8)));
    e.add(new Entry("cut-short-name", '0', new byte[3073]));
    e.add(new Entry("././@LongLink", 'L', "cifar-10-batches-bin/data_batch_2.bin\0".getBytes(StandardCharsets.UTF_8)));
    e.add(new Entry("cut-short-too", '0', new byte[3073]));
    e.add(new Entry("cifar-10-batches-bin/link", '2', new byte[0]));
    for (String b : CifarLocator.BATCHES.subList(2, 6)) e.add(new Entry("./" + FOLDER + "/" + b, '0', new byte[3073]));
    Path archive = Files.write(tmp.resolve("odd.tar.gz"), tgz(e));
    Path cache = tmp.resolve("cache");
    resolve(List.of(archive.toString()), cache);
    assertTrue(CifarLocator.isComplete(cache.resolve(FOLDER)));
    Set<String> files = new java.util.HashSet<>(CifarLocator.BATCHES);
    files.add(UnpackRecord.FILE);
    assertEquals(files, list(cache.resolve(FOLDER)));

    // Files at the top level of the archive (no cifar-10-batches-bin/) are accepted too.
    List<Entry> flat = new ArrayList<>();
    for (String b : CifarLocator.BATCHES) flat.add(new Entry(b, '0', new byte[3073]));
    Path flatArchive = Files.write(tmp.resolve("flat.tgz"), tgz(flat));
    resolve(List.of(flatArchive.toString()), tmp.resolve("cache2"));
    assertTrue(CifarLocator.isComplete(tmp.resolve("cache2").resolve(FOLDER)));
  }

  @Test
  void truncatedOrCorruptArchiveIsUserErrorNamingIt() throws IOException {
    byte[] good = fakeCifarTgz();
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x55;
    List<byte[]> bad = new ArrayList<>();
    for (int cut : new int[] {0, 10, good.length / 2, good.length - 4, good.length - 1}) {
      bad.add(Arrays.copyOf(good, cut));
    }
    bad.add(flipped);
    bad.add("not an archive".getBytes(StandardCharsets.UTF_8));
    bad.add(gzip(new byte[] {'x', 'y'}));                       // gzip fine, tar truncated
    bad.add(gzip("x".repeat(1024).getBytes(StandardCharsets.UTF_8))); // tar header checksum wrong
    bad.add(concat(good, "junk".getBytes(StandardCharsets.UTF_8)));    // bytes after the gzip stream
    for (int i = 0; i < bad.size(); i++) {
      Path archive = Files.write(tmp.resolve("bad" + i + ".tar.gz"), bad.get(i));
      Path cache = tmp.resolve("cache" + i);
      UserError e = assertThrows(UserError.class, () -> resolve(List.of(archive.toString(), fakeFolder(tmp.resolve("ok")).toString()), cache), "case " + i);
      assertTrue(e.getMessage().startsWith(archive + ": archive is truncated or corrupt ("), e.getMessage());
      assertTrue(e.getMessage().endsWith("); download it again"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
      assertEquals(Set.of(), list(cache), "case " + i + ": nothing left in the cache");
    }
  }

  @Test
  void aNameHeaderOverOneMebibyteIsCorruptNotRead() throws IOException {
    List<Entry> e = new ArrayList<>(List.of(new Entry("././@LongLink", 'L', new byte[(1 << 20) + 1])));
    e.addAll(fakeEntries());
    Path archive = Files.write(tmp.resolve("long.tgz"), tgz(e));
    UserError err = assertThrows(UserError.class, () -> resolve(List.of(archive.toString()), tmp.resolve("cache")));
    assertEquals(archive + ": archive is truncated or corrupt (tar name header of 1048577 bytes); download it again",
        err.getMessage());
  }

  @Test
  void entriesEscapingTheFolderAreRefused() throws IOException {
    for (String evil : List.of("../evil", "/tmp/evil-" + System.nanoTime(), FOLDER + "/../../evil2")) {
      List<Entry> e = new ArrayList<>(List.of(new Entry(evil, '0', "boo".getBytes(StandardCharsets.UTF_8))));
      e.addAll(fakeEntries());
      Path archive = Files.write(tmp.resolve("evil.tgz"), tgz(e));
      Path cache = tmp.resolve("c").resolve("cache");
      UserError err = assertThrows(UserError.class, () -> resolve(List.of(archive.toString()), cache));
      assertTrue(err.getMessage().startsWith(archive + ": entry '" + evil + "' points outside"), err.getMessage());
      assertEquals(Set.of(), list(cache));
      assertFalse(Files.exists(Path.of(evil)) && evil.startsWith("/"));
    }
  }

  @Test
  void archiveWithoutCifarIsUserError() throws IOException {
    Path archive = Files.write(tmp.resolve("other.tar.gz"),
        tgz(List.of(new Entry(FOLDER + "/data_batch_1.bin", '0', new byte[3073]))));
    UserError e = assertThrows(UserError.class, () -> resolve(List.of(archive.toString()), tmp.resolve("cache")));
    assertTrue(e.getMessage().startsWith(archive + ": archive holds no complete CIFAR-10 folder"), e.getMessage());
    assertEquals(Set.of(), list(tmp.resolve("cache")));
  }

  @Test
  void staleIncompleteFolderInCacheIsReplaced() throws IOException {
    Path cache = tmp.resolve("cache");
    Files.createDirectories(cache.resolve(FOLDER));
    Files.write(cache.resolve(FOLDER).resolve("data_batch_1.bin"), new byte[100]);
    Path archive = Files.write(tmp.resolve("fake.tgz"), fakeCifarTgz());
    resolve(List.of(archive.toString()), cache);
    assertTrue(CifarLocator.isComplete(cache.resolve(FOLDER)));
  }

  @Test
  void concurrentUnpacksIntoOneCacheAllSucceed() throws Exception {
    Path archive = Files.write(tmp.resolve("fake.tgz"), fakeCifarTgz());
    Path cache = tmp.resolve("cache");
    CyclicBarrier start = new CyclicBarrier(4);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return CifarLocator.resolve(List.of(archive.toString()), cache, null, CONF);
        }));
      }
      for (Future<String> f : results) assertEquals("file:" + cache.resolve(FOLDER), f.get());
    } finally {
      pool.shutdownNow();
    }
    assertTrue(CifarLocator.isComplete(cache.resolve(FOLDER)));
    assertEquals(Set.of(FOLDER), list(cache), "temporary folders cleaned up");
  }

  // ---- the cache belongs to the archive it was unpacked from ----

  @Test
  void anotherArchiveGivenReplacesTheCacheAndTheFirstComesBackTheSameWay() throws Exception {
    Path a = Files.write(tmp.resolve("a.tgz"), fakeCifarTgz());
    Path b = Files.write(tmp.resolve("b.tar.gz"), tgz(fakeEntries(4)));
    Path cache = tmp.resolve("cache");
    Path batch3 = cache.resolve(FOLDER).resolve("data_batch_3.bin");
    resolve(List.of(a.toString()), cache);
    assertEquals(3, Files.readAllBytes(batch3)[0]);

    Run r = run(() -> resolve(List.of(b.toString()), cache));
    assertEquals("file:" + cache.resolve(FOLDER), r.result);
    assertEquals("unpacking " + b + " into " + cache.resolve(FOLDER) + " (to replace the data unpacked from " + a + ")",
        r.err.strip());
    assertEquals(6, Files.readAllBytes(batch3)[0], "b's data");
    UnpackRecord rec = UnpackRecord.read(cache.resolve(FOLDER));
    assertEquals(new UnpackRecord(b.toString(), Files.size(b), Files.getLastModifiedTime(b).toMillis(),
        hex("MD5", Files.readAllBytes(b)), null), rec);
    assertEquals(Set.of(FOLDER), list(cache), "the old folder is gone, no temporary folder left");

    r = run(() -> resolve(List.of(a.toString()), cache));
    assertTrue(r.err.startsWith("unpacking " + a), r.err);
    assertEquals(3, Files.readAllBytes(batch3)[0], "a's data again");
  }

  @Test
  void theSameArchiveIsNotUnpackedAgainEvenTouchedOrCopied() throws Exception {
    Path a = Files.write(tmp.resolve("a.tgz"), fakeCifarTgz());
    Path cache = tmp.resolve("cache");
    Path folder = cache.resolve(FOLDER);
    assertTrue(run(() -> resolve(List.of(a.toString()), cache)).err.startsWith("unpacking "));
    Object inode = Files.readAttributes(folder.resolve("data_batch_1.bin"),
        java.nio.file.attribute.BasicFileAttributes.class).fileKey();

    assertEquals("", run(() -> resolve(List.of(a.toString()), cache)).err, "unchanged: not unpacked");
    // touched: the same size, so hashed; the same MD5, so only the record changes
    Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() - 60_000));
    assertEquals("", run(() -> resolve(List.of(a.toString()), cache)).err, "touched: not unpacked");
    assertEquals(Files.getLastModifiedTime(a).toMillis(), UnpackRecord.read(folder).modified());
    // copied elsewhere (as cp does, a new modification time): also the same bytes
    Path copy = Files.copy(a, Files.createDirectories(tmp.resolve("elsewhere")).resolve("cifar.tgz"));
    assertEquals("", run(() -> resolve(List.of(copy.toString()), cache)).err, "copied: not unpacked");
    assertEquals(copy.toString(), UnpackRecord.read(folder).archive());
    assertEquals(inode, Files.readAttributes(folder.resolve("data_batch_1.bin"),
        java.nio.file.attribute.BasicFileAttributes.class).fileKey(), "the same files throughout");
    // the default list's first entry, the cache folder itself, is used as it is
    assertEquals("file:" + folder, resolve(List.of(folder.toString(), tmp.resolve("b.tgz").toString()), cache));
  }

  @Test
  void aCorruptArchiveIsAnErrorWhateverTheCacheHoldsAndTheCacheIsKept() throws Exception {
    byte[] good = fakeCifarTgz();
    Path a = Files.write(tmp.resolve("a.tgz"), good);
    Path cache = tmp.resolve("cache");
    resolve(List.of(a.toString()), cache);
    UnpackRecord before = UnpackRecord.read(cache.resolve(FOLDER));
    byte[] sameSize = good.clone();
    sameSize[good.length / 2] ^= 0x55; // the size of the archive unpacked, so it is hashed first
    for (byte[] bad : List.of("not an archive!".getBytes(StandardCharsets.UTF_8), sameSize)) {
      Path other = Files.write(tmp.resolve("other.tar.gz"), bad);
      UserError e = assertThrows(UserError.class, () -> resolve(List.of(other.toString()), cache));
      assertTrue(e.getMessage().startsWith(other + ": archive is truncated or corrupt ("), e.getMessage());
      assertEquals(before, UnpackRecord.read(cache.resolve(FOLDER)), "the cache still holds a's data");
      assertEquals(1, Files.readAllBytes(cache.resolve(FOLDER).resolve("data_batch_1.bin"))[0]);
      assertEquals(Set.of(FOLDER), list(cache));
    }
  }

  @Test
  void aCacheWithoutRecordIsUnpackedAgainFromTheArchiveGiven() throws Exception {
    Path cache = tmp.resolve("cache");
    fakeFolder(cache.resolve(FOLDER)); // as an older version left it: no record
    Path a = Files.write(tmp.resolve("a.tgz"), fakeCifarTgz());
    Run r = run(() -> resolve(List.of(a.toString()), cache));
    assertTrue(r.err.contains("(to replace the data it holds, from an unknown archive)"), r.err);
    assertEquals(3 * 3073, Files.size(cache.resolve(FOLDER).resolve("data_batch_1.bin")));
    assertEquals(a.toString(), UnpackRecord.read(cache.resolve(FOLDER)).archive());
  }

  @Test
  void theCommandRefusesACorruptArchiveWhenTheCacheHoldsDataAndTrainsOnANewOne() throws Exception {
    Path cache = tmp.resolve("cache");
    resolve(List.of(Files.write(tmp.resolve("a.tgz"), tgz(tenClasses(fakeEntries(1)))).toString()), cache);
    Path corrupt = Files.writeString(tmp.resolve("other.tar.gz"), "15 bytes, no gz");
    Path b = Files.write(tmp.resolve("b.tgz"), tgz(tenClasses(fakeEntries(4))));
    String[] args = {"train", "--master", "local[2]", "--data", corrupt.toString(), "--cache-dir", cache.toString(),
        "--out", tmp.resolve("out").toString(), "--train-size", "10", "--val-size", "2", "--test-size", "3",
        "--batch-size", "5", "--iterations", "2", "--hidden-size", "3"};
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    int code = twolayer.cli.Main.run(args, quiet, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    String line = err.toString(StandardCharsets.UTF_8).strip();
    assertFalse(line.contains("\n"), line);
    assertTrue(line.startsWith("error: " + corrupt + ": archive is truncated or corrupt ("), line);
    assertFalse(Files.exists(tmp.resolve("out").resolve("model.npz")));

    args[4] = b.toString();
    err.reset();
    assertEquals(0, twolayer.cli.Main.run(args, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)),
        err.toString(StandardCharsets.UTF_8));
    assertEquals(b.toString(), UnpackRecord.read(cache.resolve(FOLDER)).archive());
    assertEquals(6, Files.readAllBytes(cache.resolve(FOLDER).resolve("data_batch_3.bin"))[0]);
  }

  // ---- downloads (loopback only) ----

  @Test
  void downloadWithRightMd5IsUnpackedAndThenReusedWithoutNetwork() throws Exception {
    byte[] tgz = fakeCifarTgz();
    String url = serve(tgz) + "/cifar-10-binary.tar.gz";
    Path cache = tmp.resolve("cache");
    Run first = run(() -> resolve(List.of(url), cache, hex("MD5", tgz).toUpperCase()));
    assertEquals("file:" + cache.resolve(FOLDER), first.result);
    assertTrue(first.err.contains("downloading " + url) && first.err.contains("unpacking "), first.err);
    assertEquals(Set.of(FOLDER, "cifar-10-binary.tar.gz"), list(cache));
    assertEquals(1, hits.get());

    server.stop(0);
    server = null;
    Run second = run(() -> resolve(List.of(url), cache, hex("MD5", tgz)));
    assertEquals(first.result, second.result);
    assertEquals("", second.err);
  }

  @Test
  void aUrlWithoutMd5IsServedFromTheCacheOnlyWhenTheCacheCameFromIt() throws Exception {
    Path cache = tmp.resolve("cache");
    resolve(List.of(Files.write(tmp.resolve("a.tgz"), fakeCifarTgz()).toString()), cache);
    String url = serve(tgz(fakeEntries(4))) + "/cifar-10-binary.tar.gz";
    Run r = run(() -> resolve(List.of(url), cache, null));
    assertTrue(r.err.contains("downloading " + url) && r.err.contains("(to replace the data unpacked from "), r.err);
    assertEquals(6, Files.readAllBytes(cache.resolve(FOLDER).resolve("data_batch_3.bin"))[0]);
    assertEquals(url, UnpackRecord.read(cache.resolve(FOLDER)).url());
    assertEquals(1, hits.get());
    resolve(List.of(url), cache, null);
    assertEquals(1, hits.get(), "the same URL again: no download");
  }

  @Test
  void downloadedArchiveLeftFromAnInterruptedRunIsUnpackedWithoutDownloading() throws Exception {
    byte[] tgz = fakeCifarTgz();
    String url = serve(tgz) + "/cifar-10-binary.tar.gz";
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    Files.write(cache.resolve("cifar-10-binary.tar.gz"), tgz);
    assertEquals("file:" + cache.resolve(FOLDER), resolve(List.of(url), cache, hex("MD5", tgz)));
    assertEquals(0, hits.get());
  }

  @Test
  void downloadWithWrongMd5IsUserErrorAndLeavesNothing() throws Exception {
    byte[] tgz = fakeCifarTgz();
    String url = serve(tgz) + "/cifar-10-binary.tar.gz";
    Path cache = tmp.resolve("cache");
    String wrong = "0123456789abcdef0123456789abcdef";
    UserError e = assertThrows(UserError.class, () -> resolve(List.of(url), cache, wrong));
    assertEquals(url + ": downloaded archive has MD5 " + hex("MD5", tgz) + ", expected " + wrong
        + "; the download is corrupt or not the CIFAR-10 binary archive", e.getMessage());
    assertEquals(Set.of(), list(cache));
  }

  @Test
  void notFoundUrlIsSkippedLikeAMissingPath() throws Exception {
    String base = serve(fakeCifarTgz());
    String missing = base + "/missing.tar.gz";
    UserError e = assertThrows(UserError.class, () -> resolve(List.of(missing), tmp.resolve("cache"), null));
    assertEquals(Set.of(), list(tmp.resolve("cache")));
    assertTrue(e.getMessage().startsWith("data: none of [" + missing + "]"), e.getMessage());
    Path ok = fakeFolder(tmp.resolve("ok"));
    assertEquals("file:" + ok, resolve(List.of(missing, ok.toString()), tmp.resolve("cache"), null));
  }

  @Test
  void redirectIsFollowedAndMissingMd5OnlyWarns() throws Exception {
    String base = serve(fakeCifarTgz());
    Path cache = tmp.resolve("cache");
    Run r = run(() -> resolve(List.of(base + "/moved/cifar.tgz"), cache, null));
    assertEquals("file:" + cache.resolve(FOLDER), r.result);
    assertTrue(r.err.contains("\nwarning: " + base + "/moved/cifar.tgz: no MD5 given"), r.err);
    assertEquals(Set.of(FOLDER, "cifar.tgz"), list(cache));
  }

  @Test
  void serverErrorAndUnreachableHostAreUserErrorsNamingTheUrl() throws Exception {
    String base = serve(fakeCifarTgz());
    Path ok = fakeFolder(tmp.resolve("ok"));
    String broken = base + "/broken.tar.gz";
    UserError e = assertThrows(UserError.class, () -> resolve(List.of(broken, ok.toString()), tmp.resolve("c"), null));
    assertTrue(e.getMessage().startsWith(broken + ": download failed (") && e.getMessage().contains("500"), e.getMessage());

    server.stop(0); // nothing listens on the port any more
    server = null;
    String refused = base + "/cifar-10-binary.tar.gz";
    e = assertThrows(UserError.class, () -> resolve(List.of(refused), tmp.resolve("c"), null));
    assertTrue(e.getMessage().startsWith(refused + ": download failed ("), e.getMessage());
    assertEquals(Set.of(), list(tmp.resolve("c")));
  }

  // ---- helpers ----

  private static String resolve(List<String> candidates, Path cache) {
    return CifarLocator.resolve(candidates, cache, null, CONF);
  }

  private static String resolve(List<String> candidates, Path cache, String md5) {
    return CifarLocator.resolve(candidates, cache, md5, CONF);
  }

  /** Serves {@code body} at /cifar-10-binary.tar.gz, a redirect at /moved/..., HTTP 500 at /broken...; 404 else. */
  private String serve(byte[] body) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/cifar-10-binary.tar.gz", x -> {
      hits.incrementAndGet();
      x.sendResponseHeaders(200, body.length);
      try (OutputStream o = x.getResponseBody()) {
        o.write(body);
      }
    });
    server.createContext("/moved/", x -> {
      x.getResponseHeaders().add("Location", "/cifar-10-binary.tar.gz");
      x.sendResponseHeaders(302, -1);
      x.close();
    });
    server.createContext("/broken.tar.gz", x -> {
      x.sendResponseHeaders(500, -1);
      x.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  record Run(String result, String err) {}

  /** Runs {@code c} capturing what it prints to stderr (tests in this class run one at a time). */
  private static Run run(Callable<String> c) throws Exception {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      String result = c.call();
      return new Run(result, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  private static Set<String> list(Path dir) throws IOException {
    if (!Files.exists(dir)) return Set.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private static String hex(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }

  /** A folder with the six batch files, two records each. */
  private static Path fakeFolder(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String b : CifarLocator.BATCHES) Files.write(dir.resolve(b), new byte[2 * 3073]);
    return dir;
  }

  record Entry(String name, char type, byte[] data) {}

  /** The official layout in miniature: batch k has 3 records whose first label is k (test: 6). */
  private static List<Entry> fakeEntries() {
    return fakeEntries(1);
  }

  /** As {@link #fakeEntries()}, with first labels {@code first}, first + 1, ... (up to 9). */
  private static List<Entry> fakeEntries(int first) {
    List<Entry> e = new ArrayList<>();
    e.add(new Entry(FOLDER + "/", '5', new byte[0]));
    for (int k = 0; k < 6; k++) {
      byte[] d = new byte[3 * 3073];
      d[0] = (byte) (k + first);
      e.add(new Entry(FOLDER + "/" + CifarLocator.BATCHES.get(k), '0', d));
    }
    e.add(new Entry(FOLDER + "/batches.meta.txt", '0', "airplane\nautomobile\n".getBytes(StandardCharsets.UTF_8)));
    return e;
  }

  /** Without batches.meta.txt, whose two classes would make labels above 1 bad data: CIFAR-10's ten. */
  private static List<Entry> tenClasses(List<Entry> entries) {
    return entries.stream().filter(e -> !e.name.endsWith("batches.meta.txt")).toList();
  }

  private static byte[] fakeCifarTgz() throws IOException {
    return tgz(fakeEntries());
  }

  /** A tiny ustar writer: 512-byte headers, data padded to 512, two zero blocks at the end. */
  private static byte[] tgz(List<Entry> entries) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    for (Entry e : entries) {
      byte[] h = new byte[512];
      put(h, 0, e.name);
      put(h, 100, "0000644");
      put(h, 108, "0000000");
      put(h, 116, "0000000");
      put(h, 124, String.format("%011o", e.data.length));
      put(h, 136, String.format("%011o", 0));
      put(h, 148, "        ");
      h[156] = (byte) e.type;
      if (e.type == '2') put(h, 157, "/etc/passwd");
      put(h, 257, "ustar");
      put(h, 263, "00");
      int sum = 0;
      for (byte b : h) sum += b & 0xff;
      put(h, 148, String.format("%06o", sum) + "\0 ");
      tar.write(h);
      tar.write(e.data);
      tar.write(new byte[(512 - e.data.length % 512) % 512]);
    }
    tar.write(new byte[1024]);
    return gzip(tar.toByteArray());
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, b.length);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream g = new GZIPOutputStream(out)) {
      g.write(data);
    }
    return out.toByteArray();
  }
}
