FROM busybox
RUN echo cached
