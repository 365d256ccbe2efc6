package twolayer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twolayer.cli.Main;
import twolayer.data.CifarDataset;
import twolayer.data.CifarLocator;
import twolayer.io.ModelFile;
import twolayer.ml.CifarFrames;
import twolayer.ml.TwoLayerNetClassificationModel;
import twolayer.ml.TwoLayerNetClassifier;
import twolayer.model.Shape;

/**
 * Tier 3 on a real HDFS: a NameNode and a DataNode in this JVM on loopback (Hadoop's MiniDFSCluster,
 * base folder under target/), holding generated CIFAR-format data. Training reads it, checkpoints to
 * it and resumes from it; the Spark ML Estimator's model and a Pipeline are saved to it and loaded back.
 */
class HdfsTest {
  static MiniDFSCluster cluster;
  static FileSystem fs;
  /** {@code hdfs://127.0.0.1:PORT}. */
  static String hdfs;

  @TempDir static Path tmp;

  /** 60 records a file: 300 training records (250 train, 50 val), 60 test. */
  static final List<String> RUN = List.of("--master", "local[2]", "--train-size", "250", "--val-size", "50",
      "--test-size", "60", "--batch-size", "50", "--hidden-size", "20", "--partitions", "2",
      "--learning-rate", "1e-4", "--checkpoint-every", "5");

  @BeforeAll
  static void startHdfs() throws IOException {
    File base = new File("target/hdfs-test/" + System.nanoTime());
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    conf.setBoolean("dfs.webhdfs.enabled", false); // unused; its REST resources took seconds to set up
    cluster = new MiniDFSCluster.Builder(conf, base).numDataNodes(1).storagesPerDatanode(1).build();
    cluster.waitActive();
    hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    fs = cluster.getFileSystem();
    Path local = TestData.tinyCifar(tmp.resolve("cifar"), 60, CifarDataset.CIFAR_D, 7);
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path("/cifar"));
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) cluster.shutdown(true);
  }

  @Test
  void theClusterListensOnLoopbackOnly() {
    assertTrue(cluster.getNameNode().getNameNodeAddress().getAddress().isLoopbackAddress());
    assertTrue(cluster.getNameNode().getHttpAddress().getAddress().isLoopbackAddress());
    InetSocketAddress dn = cluster.getDataNodes().get(0).getXferAddress();
    assertTrue(dn.getAddress().isLoopbackAddress(), dn.toString());
  }

  @Test
  void trainsFromHdfsCheckpointsToItAndResumesFromItToTheSameWeights() throws Exception {
    Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
    String data = hdfs + "/cifar", ckpt = hdfs + "/runs/resumed/checkpoints";
    Run s = run("train", "--iterations", "20", "--data", data, "--out", straight.toString(),
        "--checkpoint-dir", hdfs + "/runs/straight/checkpoints");
    assertEquals(0, s.code, s.err);
    assertTrue(s.out.contains("data: " + data + ", 250 train / 50 val / 60 test examples"), s.out);
    assertEquals(data, new ObjectMapper().readTree(straight.resolve("metrics.json").toFile()).get("config")
        .get("data_folder").asText());

    Run first = run("train", "--iterations", "10", "--data", data, "--out", resumed.toString(), "--checkpoint-dir", ckpt);
    assertEquals(0, first.code, first.err);
    assertEquals(List.of("ckpt-00000005", "ckpt-00000010"), names(ckpt));
    Run r = run("train", "--iterations", "20", "--data", data, "--out", resumed.toString(), "--checkpoint-dir", ckpt,
        "--resume");
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("resuming from " + ckpt + "/ckpt-00000010: 10 of 20 iterations done"), r.out);
    assertEquals(List.of("ckpt-00000010", "ckpt-00000015", "ckpt-00000020"), names(ckpt), "checkpoint-keep 3");
    assertArrayEquals(ModelFile.load(straight.resolve("model.npz")).weights(),
        ModelFile.load(resumed.resolve("model.npz")).weights(), 0.0, "resumed from HDFS: the same bits");
  }

  @Test
  void trainsIntoAnHdfsOutFolderAsIntoALocalOneAndResumesFromIt() throws Exception {
    String data = hdfs + "/cifar", out = hdfs + "/runs/out";
    Path local = tmp.resolve("local-out");
    assertEquals(0, run("train", "--iterations", "10", "--data", data, "--out", local.toString()).code);
    Run h = run("train", "--iterations", "10", "--data", data, "--out", out);
    assertEquals(0, h.code, h.err);
    assertTrue(h.out.contains("wrote " + out + "/model.npz, metrics.json, history.csv and report.html"), h.out);
    List<String> files;
    try (var list = Files.list(local)) {
      files = list.map(f -> f.getFileName().toString()).sorted().toList();
    }
    assertTrue(files.containsAll(List.of("checkpoints", "metrics.json", "model.npz", "report.html")), files.toString());
    assertEquals(files, names(out), "the local run's files, its checkpoints, no temporary copies");
    assertEquals(List.of("ckpt-00000005", "ckpt-00000010"), names(out + "/checkpoints"));
    Path copy = tmp.resolve("from-hdfs.npz");
    fs.copyToLocalFile(new org.apache.hadoop.fs.Path(out + "/model.npz"), new org.apache.hadoop.fs.Path(copy.toUri()));
    assertArrayEquals(ModelFile.load(local.resolve("model.npz")).weights(), ModelFile.load(copy).weights(), 0.0,
        "the same model as the local run's");

    // a finished run on HDFS is not replaced by accident, as a local one is not
    org.apache.hadoop.fs.Path metrics = new org.apache.hadoop.fs.Path(out + "/metrics.json");
    long written = fs.getFileStatus(metrics).getModificationTime();
    Run again = run("train", "--iterations", "10", "--data", data, "--out", out);
    assertEquals(2, again.code, again.err);
    assertEquals(List.of("error: out: " + out + " already holds a run (metrics.json); pass --overwrite to replace it,"
        + " --resume to continue it, or choose another --out"), lines(again.err));
    assertEquals(written, fs.getFileStatus(metrics).getModificationTime());

    Run r = run("train", "--iterations", "20", "--data", data, "--out", out, "--resume");
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("resuming from " + out + "/checkpoints/ckpt-00000010: 10 of 20 iterations done"), r.out);
    assertEquals(20, new ObjectMapper().readTree(fs.open(metrics)).get("config").get("iterations_effective").asInt(),
        "the resumed run's metrics replaced the first's");
    assertEquals(files, names(out));

    // evaluate and predict read the model from HDFS as from a local file
    fs.copyToLocalFile(new org.apache.hadoop.fs.Path(out + "/model.npz"), new org.apache.hadoop.fs.Path(copy.toUri()));
    Run evalHdfs = run("evaluate", "--model", out + "/model.npz", "--data", data);
    assertEquals(0, evalHdfs.code, evalHdfs.err);
    assertEquals(run("evaluate", "--model", copy.toString(), "--data", data).out, evalHdfs.out);
    Path records = tmp.resolve("cifar").resolve("test_batch.bin");
    Run predictHdfs = plain("predict", "--model", out + "/model.npz", records.toString());
    assertEquals(0, predictHdfs.code, predictHdfs.err);
    assertEquals(plain("predict", "--model", copy.toString(), records.toString()).out, predictHdfs.out);
    Run missing = plain("predict", "--model", out + "/nope.npz", records.toString());
    assertEquals(2, missing.code);
    assertEquals(List.of("error: " + out + "/nope.npz: no such file"), lines(missing.err));
  }

  /**
   * predict reads .bin records and images from HDFS, in one process and on Spark, and writes --out there:
   * the local copies' predictions, the names differing only by where the files are.
   */
  @Test
  void predictsFromHdfsAsFromALocalCopyInOneProcessAndOnSparkAndWritesOutThere() throws Exception {
    Path model = tmp.resolve("predict-model.npz");
    Random rnd = new Random(11);
    Shape shape = new Shape(CifarDataset.CIFAR_D, 20, 10);
    double[] w = new double[shape.size()], mean = new double[shape.d()];
    for (int i = 0; i < w.length; i++) w[i] = rnd.nextGaussian() * 0.01;
    Arrays.fill(mean, 120);
    new ModelFile(shape, w, mean).save(model);
    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    for (int px = 0; px < 40 * 30; px++) img.setRGB(px % 40, px / 40, rnd.nextInt(1 << 24));
    Path png = Files.createDirectories(tmp.resolve("images")).resolve("img.png");
    ImageIO.write(img, "png", png.toFile());
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(png.toUri()), new org.apache.hadoop.fs.Path("/images/img.png"));
    String[] bins = {"cifar/test_batch.bin", "cifar/data_batch_1.bin"};

    Path localCsv = tmp.resolve("predict-local.csv");
    Run local = plain("predict", "--model", model.toString(), tmp.resolve(bins[0]).toString(),
        tmp.resolve(bins[1]).toString(), png.toString(), "--out", localCsv.toString());
    assertEquals(0, local.code, local.err);
    List<String> expected = Files.readAllLines(localCsv).stream().map(l -> l.replace(tmp.toString(), hdfs)).toList();
    assertEquals(122, expected.size(), "a header, 60 + 60 records, an image");
    assertTrue(expected.get(121).startsWith(hdfs + "/images/img.png,,"), expected.get(121));

    // in one process, into an HDFS --out that holds an older file
    String out = hdfs + "/predictions/preds.csv";
    try (var old = fs.create(new org.apache.hadoop.fs.Path(out))) {
      old.write("old\n".getBytes(StandardCharsets.UTF_8));
    }
    Run inProcess = plain("predict", "--model", model.toString(), hdfs + "/" + bins[0], hdfs + "/" + bins[1],
        hdfs + "/images/img.png", "--out", out);
    assertEquals(0, inProcess.code, inProcess.err);
    assertEquals(List.of("wrote 121 predictions to " + out), lines(inProcess.out));
    assertEquals(expected, readHdfs(out));
    assertEquals(List.of("preds.csv"), names(hdfs + "/predictions"), "replaced, no temporary copy left");

    // printed, the same lines as the local files'
    Run printed = plain("predict", "--model", model.toString(), hdfs + "/" + bins[0], hdfs + "/images/img.png");
    assertEquals(0, printed.code, printed.err);
    assertEquals(plain("predict", "--model", model.toString(), tmp.resolve(bins[0]).toString(), png.toString()).out
        .replace(tmp.toString(), hdfs), printed.out);

    // on Spark: the executors read the records from HDFS
    Path sparkCsv = tmp.resolve("predict-spark.csv");
    Run spark = plain("predict", "--model", model.toString(), hdfs + "/" + bins[0], hdfs + "/" + bins[1],
        "--out", sparkCsv.toString(), "--spark-above", "0", "--master", "local[2]");
    assertEquals(0, spark.code, spark.err);
    assertEquals(expected.subList(0, 121), Files.readAllLines(sparkCsv));

    Run missing = plain("predict", "--model", model.toString(), hdfs + "/cifar/nope.bin");
    assertEquals(2, missing.code, missing.err);
    assertEquals(List.of("error: " + hdfs + "/cifar/nope.bin: no such file"), lines(missing.err));
  }

  @Test
  void aSearchIntoAnHdfsFolderRecordsEachTrialThereAndResumesFromIt() throws Exception {
    Path space = Files.writeString(tmp.resolve("space.properties"), "learning-rate=1e-4..3e-3 log\n");
    String out = hdfs + "/runs/search";
    List<String> args = List.of("search", "--space", space.toString(), "--iterations", "10", "--data", hdfs + "/cifar",
        "--out", out);
    Run first = run(java.util.stream.Stream.concat(args.stream(), java.util.stream.Stream.of("--trials", "2"))
        .toArray(String[]::new));
    assertEquals(0, first.code, first.err);
    assertEquals(3, readHdfs(out + "/trials.csv").size(), "a header and two trials");
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out + "/best/model.npz")));
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out + "/search.json")));

    Run more = run(java.util.stream.Stream.concat(args.stream(), java.util.stream.Stream.of("--trials", "3"))
        .toArray(String[]::new));
    assertEquals(0, more.code, more.err);
    assertTrue(more.out.contains("(2 already done in " + out + "/trials.csv)"), more.out);
    assertTrue(!more.out.contains("trial 0 {") && more.out.contains("trial 2 {"), more.out);
    assertEquals(4, readHdfs(out + "/trials.csv").size());
  }

  static List<String> readHdfs(String file) throws IOException {
    try (var in = fs.open(new org.apache.hadoop.fs.Path(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void aMissingHdfsFolderGetsTheLineAMissingLocalFolderGets() {
    String missing = hdfs + "/nope";
    Run r = run("train", "--data", missing, "--out", tmp.resolve("missing").toString(), "--iterations", "1");
    assertEquals(2, r.code, r.err);
    String local = tmp.resolve("nope").toString();
    UserError e = assertThrows(UserError.class,
        () -> CifarLocator.resolve(List.of(local), tmp.resolve("cache"), null, new Configuration()));
    assertEquals(List.of("error: " + e.getMessage().replace(local, missing)), lines(r.err));
  }

  @Test
  void anArchiveOnHdfsIsUnpackedOnceAndRecorded() throws Exception {
    Path local = TestData.tinyCifar(tmp.resolve("arch").resolve(CifarLocator.FOLDER), 2, CifarDataset.CIFAR_D, 9);
    Path tgz = tmp.resolve("cifar.tar.gz");
    Process tar = new ProcessBuilder("tar", "czf", tgz.toString(), "-C", local.getParent().toString(),
        CifarLocator.FOLDER).redirectErrorStream(true).start();
    assertEquals(0, tar.waitFor(), new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(tgz.toUri()), new org.apache.hadoop.fs.Path("/cifar.tar.gz"));
    Path cache = tmp.resolve("archive-cache");
    String archive = hdfs + "/cifar.tar.gz";
    Configuration conf = new Configuration();
    assertEquals("file:" + cache.resolve(CifarLocator.FOLDER), CifarLocator.resolve(List.of(archive), cache, null, conf));
    Path record = cache.resolve(CifarLocator.FOLDER).resolve("unpacked-from.properties");
    String text = Files.readString(record);
    assertTrue(text.contains("archive=" + archive.replace(":", "\\:")), text);
    assertArrayEquals(Files.readAllBytes(local.resolve("data_batch_2.bin")),
        Files.readAllBytes(cache.resolve(CifarLocator.FOLDER).resolve("data_batch_2.bin")));
    long unpacked = Files.getLastModifiedTime(record).toMillis();
    Thread.sleep(20);
    CifarLocator.resolve(List.of(archive), cache, null, conf);
    assertEquals(unpacked, Files.getLastModifiedTime(record).toMillis(), "unchanged: neither unpacked nor hashed");
  }

  @Test
  void theEstimatorsModelAndAPipelineSaveToHdfsAndLoadBack() throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("HdfsTest")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      Dataset<Row> train = CifarFrames.load(spark, hdfs + "/cifar", "train", 250, 2).cache();
      Dataset<Row> test = CifarFrames.load(spark, hdfs + "/cifar", "test", 60, 2).cache();
      TwoLayerNetClassifier net = new TwoLayerNetClassifier().setHiddenSize(20).setStepSize(1e-4).setMaxIter(2)
          .setBatchSize(50);
      TwoLayerNetClassificationModel model = net.fit(train);
      List<Row> expected = model.transform(test).select("prediction", "probability").collectAsList();

      String modelPath = hdfs + "/models/net";
      model.write().overwrite().save(modelPath);
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/models/net")));
      TwoLayerNetClassificationModel back = TwoLayerNetClassificationModel.load(modelPath);
      assertEquals(model.uid(), back.uid());
      assertEquals(expected, back.transform(test).select("prediction", "probability").collectAsList());

      net.write().overwrite().save(hdfs + "/models/estimator");
      TwoLayerNetClassifier est = TwoLayerNetClassifier.load(hdfs + "/models/estimator");
      assertEquals(20, est.getOrDefault(est.hiddenSize));

      PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {net}).fit(train);
      String pipelinePath = hdfs + "/models/pipeline";
      pipeline.write().overwrite().save(pipelinePath);
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/models/pipeline/metadata")));
    } finally {
      spark.stop();
    }
  }

  /** A pipeline holding the net, saved to HDFS in Spark ML's layout, loads back with PipelineModel.load. */
  @Test
  void aPipelineSavedToHdfsLoadsBackWithPipelineModelLoad() throws IOException {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("HdfsTest")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      Dataset<Row> train = CifarFrames.load(spark, hdfs + "/cifar", "train", 250, 2).cache();
      Dataset<Row> test = CifarFrames.load(spark, hdfs + "/cifar", "test", 60, 2).cache();
      TwoLayerNetClassifier net = new TwoLayerNetClassifier().setHiddenSize(20).setStepSize(1e-4).setMaxIter(2)
          .setBatchSize(50);
      PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {net}).fit(train);
      String path = hdfs + "/models/pipeline-loaded";
      pipeline.write().overwrite().save(path);
      List<Row> expected = pipeline.transform(test).select("prediction", "probability").collectAsList();
      PipelineModel loaded = PipelineModel.load(path);
      assertEquals(expected, loaded.transform(test).select("prediction", "probability").collectAsList());
    } finally {
      spark.stop();
    }
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(RUN);
    return plain(all.toArray(String[]::new));
  }

  /** The command line as given, without {@link #RUN}'s settings. */
  static Run plain(String... all) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = Main.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static List<String> names(String dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus st : fs.listStatus(new org.apache.hadoop.fs.Path(dir))) names.add(st.getPath().getName());
    names.sort(null);
    return names;
  }

  static List<String> lines(String text) {
    return List.of(text.strip().split("\n"));
  }
}
