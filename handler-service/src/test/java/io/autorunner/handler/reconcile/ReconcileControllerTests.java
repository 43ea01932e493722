package io.autorunner.handler.reconcile;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.autorunner.handler.task.TaskOutcome;
import io.autorunner.handler.vm.ComputeException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The safety net's endpoints in their MVC slice: check-runner's answers and reconcile's. */
@WebMvcTest(controllers = ReconcileController.class, properties = "autorunner.handler.auth=none")
class ReconcileControllerTests {

  @Autowired MockMvc mvc;
  @MockitoBean Reconciler reconciler;

  @Test
  void anUnreadableCheckRunnerBodyIsRefusedWith2xxSoCloudTasksStopsRetrying() throws Exception {
    mvc.perform(
            post("/tasks/check-runner").contentType(MediaType.APPLICATION_JSON).content("{oops"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.outcome").value("refused"));
    verify(reconciler, never()).replaceIfTaken(any());
  }

  @Test
  void aCheckRunnerThatMustWaitAnswers503() throws Exception {
    when(reconciler.replaceIfTaken(any())).thenReturn(TaskOutcome.retry("GitHub 502"));

    mvc.perform(
            post("/tasks/check-runner")
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    """
                    {"job":{"jobId":7,"runId":8,"runAttempt":1,"repository":"acme/models"},
                    "runnerName":"ghr-6-1","runnerId":12}"""))
        .andExpect(status().isServiceUnavailable());
  }

  @Test
  void aReconcileThatCannotSeeTheVmsAnswers503() throws Exception {
    when(reconciler.reconcile()).thenThrow(new ComputeException.Transient("GCE 503", null));

    mvc.perform(post("/tasks/reconcile")).andExpect(status().isServiceUnavailable());
  }
}
