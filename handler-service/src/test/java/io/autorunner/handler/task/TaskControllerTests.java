package io.autorunner.handler.task;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The task endpoints' answers, in their MVC slice: what Cloud Tasks reads from each outcome. */
@WebMvcTest(controllers = TaskController.class, properties = "autorunner.handler.auth=none")
class TaskControllerTests {

  private static final String CREATE =
      """
      {"job":{"jobId":7,"runId":8,"runAttempt":1,"repository":"acme/models",
      "organization":"acme","installationId":5},
      "labels":["self-hosted","gce"],"instanceName":"ghr-7-1"}""";

  @Autowired MockMvc mvc;
  @MockitoBean RunnerLifecycle lifecycle;
  @MockitoBean LifecycleCounters counters;

  @Test
  void aCreateOverTheCapAnswers429SoCloudTasksRetriesLater() throws Exception {
    when(lifecycle.create(any())).thenReturn(TaskOutcome.atCapacity("2 VMs exist"));

    mvc.perform(
            post("/tasks/create-runner").contentType(MediaType.APPLICATION_JSON).content(CREATE))
        .andExpect(status().isTooManyRequests())
        .andExpect(jsonPath("$.outcome").value("at-capacity"));
  }

  @Test
  void aTransientFailureAnswers503() throws Exception {
    when(lifecycle.create(any())).thenReturn(TaskOutcome.retry("GCE 503"));

    mvc.perform(
            post("/tasks/create-runner").contentType(MediaType.APPLICATION_JSON).content(CREATE))
        .andExpect(status().isServiceUnavailable());
  }

  @Test
  void anUnreadableCreateBodyIsRefusedWith2xxSoItIsNotRetriedForever() throws Exception {
    mvc.perform(
            post("/tasks/create-runner")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"job\": 42"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.outcome").value("refused"));
    verify(lifecycle, never()).create(any());
  }

  @Test
  void anUnreadableDeleteBodyIsRefusedWith2xx() throws Exception {
    mvc.perform(post("/tasks/delete-runner").contentType(MediaType.APPLICATION_JSON).content("[]"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.outcome").value("refused"));
  }

  @Test
  void anUnreadableReleaseBodyIsRefusedWith2xx() throws Exception {
    mvc.perform(
            post("/tasks/release-runner")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"instanceName\":\"NOT A NAME\"}"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.outcome").value("refused"));
  }
}
